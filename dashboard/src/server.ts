import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...securityHeaders, 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function problem(res: ServerResponse, status: number, title: string, detail?: string): void {
  send(res, status, 'application/problem+json', JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** Serves the Dapr view: the page under `<basePath>/` and its data at `<basePath>/api/view`. Read-only. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const base = opts.basePath ?? '/dapr';
  const files = new Map(
    Object.entries(assets).map(([name, type]) => [
      name,
      { type, body: readFileSync(join(opts.assetsDir, name || 'index.html')) },
    ]),
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'read-only view');
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === base || path === '/') {
      res.writeHead(308, { location: `${base}/` }).end();
      return;
    }
    if (!path.startsWith(`${base}/`)) return problem(res, 404, 'not found');
    const rest = path.slice(base.length + 1);
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
    handle(req, res).catch((err: unknown) => problem(res, 500, 'internal error', (err as Error).message));
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
