import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ConfigError } from './config.ts';

export interface Listening {
  readonly server: Server;
  readonly port: number;
  /**
   * Stops accepting connections and waits for in-flight requests (idle keep-alive sockets are
   * closed at once); connections still open after `graceMs` (streams) are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * How long the app keeps an idle keep-alive connection open. Its only HTTP client is its sidecar, and
 * daprd's app channel (Go's default transport) reuses an idle connection for up to 90 s. A server that
 * closes first races the sidecar: Node's default closes an idle socket after 5 s (+1 s buffer), and a
 * request the sidecar sends on that socket at the same moment is reset ("error invoking app channel:
 * ... read: connection reset by peer"). Dapr retries no POST after that, so the caller got a 500
 * (issue 24: the gateway's 502 for an order, inventory's reservations retried). With a longer timeout
 * the sidecar always closes an idle connection before the app does.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        server,
        port: actual,
        close: (graceMs = 5000) =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), graceMs).unref();
          }),
      });
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : err);
    });
  });
}

export interface Running {
  stop(): Promise<void>;
}

/**
 * Entry point of a service process: starts it, stops it gracefully on SIGTERM/SIGINT, and turns a
 * start-up failure into one line on stderr and exit code 1 (no stack trace for config errors).
 */
export function runMain(name: string, start: () => Promise<Running>): void {
  start().then(
    (running) => {
      let stopping = false;
      const onSignal = (): void => {
        if (stopping) return;
        stopping = true;
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`${name}: error while stopping: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
    (err: unknown) => {
      const message = err instanceof ConfigError ? err.message : `start-up failed: ${(err as Error).message}`;
      process.stderr.write(`${name}: ${message}\n`);
      process.exit(1);
    },
  );
}
