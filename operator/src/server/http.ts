import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  /** The process works (its loops are running). */
  healthy(): boolean;
  /** The process can do its job: caches synced when leading, or standing by. */
  ready(): boolean;
}

/** /metrics, /healthz and /readyz on one port; nothing else is served. */
export function startHttpServer(opts: {
  port: number;
  host: string;
  registry: Registry;
  health: HealthSource;
}): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': opts.registry.contentType }).end(await opts.registry.metrics());
    } else if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? opts.health.healthy() : opts.health.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
