import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { loadAssets } from './assets.ts';
import { accessCookie, clearCookies, cookie, readCookies, refreshCookie } from './cookies.ts';
import { securityHeaders, sendProblem, unreachableType, WebError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { expiresAtMs, isTokens, Refresher, type Tokens } from './tokens.ts';

export interface StorefrontOptions {
  readonly gatewayUrl: string;
  /** The built page: web/dist/web. */
  readonly assetsDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly cookieSecure?: 'auto' | 'always' | 'never';
  readonly sessionMaxAgeSeconds?: number;
  readonly logger?: Logger;
}

export interface Storefront {
  /** The shop's URL, ending in `/`. */
  readonly url: string;
  stop(): Promise<void>;
}

const maxBody = 64 * 1024;
/** An access token this close to its expiry is refreshed before it is sent. */
const refreshAheadMs = 15_000;
/** Request headers the page may send on to the API; the rest (cookies above all) stay here. */
const forwardedRequest = ['accept', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'last-event-id'];
const forwardedResponse = ['content-type', 'etag', 'location', 'retry-after', 'cache-control', 'x-accel-buffering'];

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // e.g. the literal origin "null"
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new WebError(413, 'Content Too Large', 'the request body is larger than allowed');
    chunks.push(chunk);
  }
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

/**
 * The storefront: the built page, and `/session/*`, the same-origin endpoint that keeps the API's tokens
 * in HttpOnly cookies (login, register, logout, who am I) and proxies `/session/api/*` to the gateway
 * with the Authorization header, refreshing the access token when it is about to expire.
 */
export async function startStorefront(opts: StorefrontOptions): Promise<Storefront> {
  const log = opts.logger ?? createLogger();
  const gateway = opts.gatewayUrl.replace(/\/$/, '');
  const assets = loadAssets(opts.assetsDir);
  const sessionMaxAge = opts.sessionMaxAgeSeconds ?? 30 * 24 * 3600;

  const secure = (req: IncomingMessage): boolean =>
    opts.cookieSecure === 'always' ||
    (opts.cookieSecure !== 'never' &&
      (req.headers['x-forwarded-proto'] === 'https' || Boolean((req.socket as { encrypted?: boolean }).encrypted)));
  const sessionCookies = (req: IncomingMessage, t: Tokens): string[] => [
    cookie(accessCookie, t.accessToken, t.expiresIn, secure(req)),
    cookie(refreshCookie, t.refreshToken, sessionMaxAge, secure(req)),
  ];
  const forwardedFor = (req: IncomingMessage): string => {
    const prior = req.headers['x-forwarded-for'];
    const remote = req.socket.remoteAddress ?? 'unknown';
    return prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${remote}` : remote;
  };

  /** One call to the gateway; an unreachable gateway is a 503 the page words as such. */
  const upstream = async (
    req: IncomingMessage,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Buffer | string; signal?: AbortSignal } = {},
  ): Promise<Response> => {
    try {
      return await fetch(`${gateway}${path}`, {
        method,
        headers: { ...init.headers, 'x-forwarded-for': forwardedFor(req) },
        body:
          init.body === undefined
            ? undefined
            : new Uint8Array(typeof init.body === 'string' ? Buffer.from(init.body) : init.body),
        signal: init.signal,
        redirect: 'manual',
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      log.warn('gateway unreachable', { path: path.split('?')[0], error: (err as Error).message });
      throw new WebError(503, 'Service Unavailable', 'the API gateway cannot be reached', unreachableType);
    }
  };

  const refresher = new Refresher(async (refreshToken) => {
    const res = await fetch(`${gateway}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch((err: unknown) => {
      log.warn('gateway unreachable', { path: '/api/v1/auth/refresh', error: (err as Error).message });
      throw new WebError(503, 'Service Unavailable', 'the API gateway cannot be reached', unreachableType);
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok && isTokens(body)) return body;
    if (res.status === 401 || res.status === 400) return undefined;
    throw res.status === 429
      ? new WebError(429, 'Too Many Requests', 'the session could not be renewed: too many requests')
      : new WebError(503, 'Service Unavailable', `the session could not be renewed (${res.status})`);
  });

  /** The session of a request: its access token, renewed first when it is about to expire. */
  const session = async (req: IncomingMessage, setCookies: string[], force = false): Promise<string | undefined> => {
    const jar = readCookies(req);
    const access = jar[accessCookie];
    const refresh = jar[refreshCookie];
    const exp = access ? expiresAtMs(access) : undefined;
    if (access && !force && (exp === undefined || exp - Date.now() > refreshAheadMs)) return access;
    if (!refresh) return access;
    const renewed = await refresher.get(refresh);
    if (!renewed) {
      setCookies.push(...clearCookies(secure(req)));
      return undefined;
    }
    setCookies.push(...sessionCookies(req, renewed));
    return renewed.accessToken;
  };

  const json = (res: ServerResponse, status: number, body: unknown, setCookies: string[] = []): void => {
    res.writeHead(status, {
      ...securityHeaders,
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...(setCookies.length && { 'set-cookie': setCookies }),
    });
    res.end(JSON.stringify(body));
  };

  /** Relays a gateway answer (status, the headers the page needs, its body streamed: SSE included). */
  const relay = (res: ServerResponse, answer: Response, setCookies: string[]): void => {
    const headers: Record<string, string | string[]> = { ...securityHeaders };
    for (const name of forwardedResponse) {
      const v = answer.headers.get(name);
      if (v) headers[name] = name === 'location' ? v.replace(/^\/api\//, '/session/api/') : v;
    }
    if (setCookies.length) headers['set-cookie'] = setCookies;
    res.writeHead(answer.status, headers);
    if (!answer.body) return void res.end();
    res.flushHeaders();
    const body = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream);
    body.on('error', () => res.destroy());
    body.pipe(res);
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse, what: 'login' | 'register'): Promise<void> => {
    const body = await readBody(req);
    const answer = await upstream(req, 'POST', `/api/v1/auth/${what}`, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    const parsed: unknown = await answer.json().catch(() => undefined);
    if (answer.ok && isTokens(parsed)) {
      log.info('signed in', { how: what });
      return json(res, answer.status, { user: (parsed as { user?: unknown }).user }, sessionCookies(req, parsed));
    }
    const headers: Record<string, string> = { ...securityHeaders, 'content-type': 'application/problem+json' };
    const retry = answer.headers.get('retry-after');
    if (retry) headers['retry-after'] = retry;
    res.writeHead(answer.status, headers);
    res.end(JSON.stringify(parsed ?? { title: 'Bad Gateway', status: answer.status }));
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const apiPath = url.pathname.slice('/session'.length);
    if (apiPath.startsWith('/api/v1/auth/')) {
      throw new WebError(
        404,
        'Not Found',
        'sign in, register and sign out through /session/login, /session/register and /session/logout',
      );
    }
    const headers: Record<string, string> = {};
    for (const name of forwardedRequest) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    // an EventSource opened again by the page cannot set Last-Event-ID: it comes as ?lastEventId=
    const resume = url.searchParams.get('lastEventId');
    if (resume) {
      headers['last-event-id'] = resume;
      url.searchParams.delete('lastEventId');
    }
    const body = await readBody(req);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const setCookies: string[] = [];
    const target = `${apiPath}${url.search}`;
    const send = async (token: string | undefined) =>
      upstream(req, req.method ?? 'GET', target, {
        headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
        body,
        signal: abort.signal,
      });
    const token = await session(req, setCookies);
    let answer = await send(token);
    if (answer.status === 401 && token && readCookies(req)[refreshCookie]) {
      // e.g. the signing key was replaced: one renewal, then the call once more
      await answer.body?.cancel();
      setCookies.length = 0;
      answer = await send(await session(req, setCookies, true));
    }
    relay(res, answer, setCookies);
  };

  const sessionRoutes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      // SameSite=Strict already keeps other sites' requests cookie-less; this refuses them outright
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      const host = req.headers.host;
      const sameOrigin = origin
        ? host !== undefined && hostOf(origin) === host
        : site === undefined || site === 'same-origin';
      if (!sameOrigin) throw new WebError(403, 'Forbidden', 'requests from other sites are refused');
    }
    const path = url.pathname;
    if (path.startsWith('/session/api/')) return proxy(req, res, url);
    if (path === '/session' && method === 'GET') {
      const setCookies: string[] = [];
      const token = await session(req, setCookies);
      if (!token) return json(res, 200, { user: null }, setCookies);
      const me = await upstream(req, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
      if (me.status === 401) return json(res, 200, { user: null }, [...setCookies, ...clearCookies(secure(req))]);
      if (!me.ok) return relay(res, me, setCookies);
      return json(res, 200, { user: await me.json() }, setCookies);
    }
    if (path === '/session/login' && method === 'POST') return signIn(req, res, 'login');
    if (path === '/session/register' && method === 'POST') return signIn(req, res, 'register');
    if (path === '/session/logout' && method === 'POST') {
      const refresh = readCookies(req)[refreshCookie];
      if (refresh) {
        const answer = await upstream(req, 'POST', '/api/v1/auth/logout', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: refresh }),
        });
        await answer.body?.cancel();
        if (answer.status >= 500) throw new WebError(503, 'Service Unavailable', 'sign-out could not reach the shop');
      }
      res.writeHead(204, { ...securityHeaders, 'set-cookie': clearCookies(secure(req)) });
      return void res.end();
    }
    throw new WebError(404, 'Not Found', `no ${method} ${path}`);
  };

  const page = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new WebError(405, 'Method Not Allowed', 'the page is read-only');
    // a path without a file name is a page of the app: index.html, which routes it
    const asset =
      assets.get(url.pathname) ?? (/\.[a-z0-9]+$/i.test(url.pathname) ? undefined : assets.get('/index.html'));
    if (!asset) throw new WebError(404, 'Not Found', `no file ${url.pathname}`);
    const accept = String(req.headers['accept-encoding'] ?? '');
    const [encoding, body] =
      asset.br && /\bbr\b/.test(accept)
        ? ['br', asset.br]
        : asset.gzip && /\bgzip\b/.test(accept)
          ? ['gzip', asset.gzip]
          : [undefined, asset.body];
    res.writeHead(200, {
      ...securityHeaders,
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      'content-length': String(body.length),
      ...(encoding && { 'content-encoding': encoding }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://storefront');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('ok');
    }
    if (url.pathname === '/session' || url.pathname.startsWith('/session/')) return sessionRoutes(req, res, url);
    return page(req, res, url);
  };

  const server = createServer((req, res) => {
    const began = Date.now();
    res.on('finish', () => {
      if (req.url === '/healthz') return;
      log.info('request', {
        method: req.method,
        path: (req.url ?? '/').split('?')[0],
        status: res.statusCode,
        ms: Date.now() - began,
      });
    });
    handle(req, res).catch((err: unknown) => {
      if ((err as Error).name === 'AbortError') return void res.destroy();
      if (err instanceof WebError) return sendProblem(res, err);
      log.error('request failed', { path: (req.url ?? '/').split('?')[0], error: (err as Error).message });
      sendProblem(res, new WebError(500, 'Internal Server Error', 'the storefront server failed; see its log'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
