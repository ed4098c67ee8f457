import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AdminAuth } from './admin-auth.ts';
import {
  FormError,
  forbiddenPage,
  type LoginProblem,
  loginPage,
  readForm,
  sameOrigin,
  sessionCookieHeader,
  sessionToken,
} from './login.ts';
import type { DaprViewSource } from './model.ts';

export interface DashboardOptions {
  readonly source: DaprViewSource;
  /** The built page (`index.html`, `app.js`, `app.css`, `favicon.svg`): `dashboard/dist/web`. */
  readonly assetsDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1; 0.0.0.0 in a container. */
  readonly host?: string;
  /** Path prefix the page lives under, the same locally and behind the ingress. Default `/dapr`. */
  readonly basePath?: string;
  /**
   * On the ingress: only the shop's admins, logged in through `<basePath>/login`, see the view. Without it
   * (the local run on 127.0.0.1) the view is open, and the page says so.
   */
  readonly auth?: AdminAuth;
}

export interface Dashboard {
  /** The page's URL, ending in `/`. */
  readonly url: string;
  stop(): Promise<void>;
}

const assets: Record<string, string> = {
  '': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

const securityHeaders = {
  // forms post only to the view itself (login, logout)
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...securityHeaders, 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const html = 'text/html; charset=utf-8';
/** Files served before a login: the login page's stylesheet and icon. */
const publicFiles = new Set(['app.css', 'favicon.svg']);
const accessNotes = {
  open: '<p id="access" data-access="open">Local view: open to anyone on this machine. On the ingress it asks for an admin login.</p>',
  admin:
    '<form id="access" data-access="admin" method="post" action="logout"><button type="submit">Log out</button></form>',
};

function problem(res: ServerResponse, status: number, title: string, detail?: string): void {
  send(res, status, 'application/problem+json', JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** Serves the Dapr view: the page under `<basePath>/` and its data at `<basePath>/api/view`. Read-only. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const base = opts.basePath ?? '/dapr';
  const { auth } = opts;
  const note = accessNotes[auth ? 'admin' : 'open'];
  const files = new Map(
    Object.entries(assets).map(([name, type]) => {
      const body = readFileSync(join(opts.assetsDir, name || 'index.html'));
      return [
        name,
        { type, body: name ? body : Buffer.from(body.toString('utf8').replace('</header>', `${note}</header>`)) },
      ];
    }),
  );
  // concurrent page refreshes share one round of reads
  let inFlight: Promise<string> | undefined;
  const view = (): Promise<string> => {
    inFlight ??= opts.source
      .read()
      .then((v) => JSON.stringify(v))
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  const redirect = (res: ServerResponse, status: number, location: string, headers: Record<string, string> = {}) =>
    void res.writeHead(status, { ...securityHeaders, location, 'cache-control': 'no-store', ...headers }).end();
  const endSession = { 'set-cookie': sessionCookieHeader(base, '', 0) };

  const logIn = async (req: IncomingMessage, res: ServerResponse, admin: AdminAuth): Promise<void> => {
    if (!sameOrigin(req)) return problem(res, 403, 'cross-origin login refused');
    const form = await readForm(req);
    const email = form.get('email')?.trim() ?? '';
    const password = form.get('password') ?? '';
    const refuse = (status: number, why: LoginProblem) => send(res, status, html, loginPage(why));
    if (!email || !password) return refuse(400, 'missing');
    const result = await admin.login(email, password);
    if (!result.ok) return refuse({ refused: 401, throttled: 429, unavailable: 503 }[result.reason], result.reason);
    redirect(res, 303, `${base}/`, { 'set-cookie': sessionCookieHeader(base, result.token, result.expiresInSeconds) });
  };

  /** Answers for a request without an admin session and returns true; false when an admin asks. */
  const refused = async (req: IncomingMessage, res: ServerResponse, rest: string, admin: AdminAuth) => {
    const token = sessionToken(req);
    const roles = token ? await admin.roles(token) : undefined;
    if (roles?.includes('admin')) return false;
    if (roles) {
      if (rest === 'api/view') problem(res, 403, 'admins only', 'this account is not an admin of the shop');
      else send(res, 403, html, forbiddenPage());
    } else if (rest === 'api/view') {
      res.setHeader('set-cookie', endSession['set-cookie']);
      problem(res, 401, 'log in first', `log in at ${base}/login with an admin account`);
    } else redirect(res, 303, `${base}/login`, token ? endSession : {});
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const rest = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
    if (req.method === 'POST' && auth && rest === 'login') return logIn(req, res, auth);
    if (req.method === 'POST' && auth && rest === 'logout') return redirect(res, 303, `${base}/login`, endSession);
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'read-only view');
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === base || path === '/') {
      res.writeHead(308, { location: `${base}/` }).end();
      return;
    }
    if (rest === undefined) return problem(res, 404, 'not found');
    if (auth && rest === 'login') return send(res, 200, html, loginPage());
    if (auth && !publicFiles.has(rest) && (await refused(req, res, rest, auth))) return;
    if (rest === 'api/view') {
      try {
        return send(res, 200, 'application/json', await view());
      } catch (err) {
        return problem(res, 502, 'the Dapr view could not be read', (err as Error).message);
      }
    }
    const file = files.get(rest);
    if (!file) return problem(res, 404, 'not found');
    send(res, 200, file.type, file.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof FormError) return problem(res, 400, 'bad form', err.message);
      problem(res, 502, 'the view could not check the login', (err as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}${base}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
