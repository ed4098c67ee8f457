import { type AppOptions, createApp } from './http.ts';
import { listen, type Running } from './lifecycle.ts';
import { createMetrics } from './metrics.ts';
import { shutdownTelemetry } from './telemetry.ts';

export interface ServeOptions extends Omit<AppOptions, 'metrics' | 'stopping'> {
  readonly name: string;
  readonly port: number;
  /** Address to bind (default loopback: only the sidecar reaches an app). */
  readonly host?: string;
  /** How long in-flight requests may finish when stopping before their connections are cut (default 5 s). */
  readonly drainMs?: number;
  /** Runs before the HTTP server drains, e.g. to end long-lived streams that would hold it open. */
  readonly beforeDrain?: () => void;
  /** Closes what the service opened (pools, clients) once the HTTP server has drained. */
  readonly close?: () => Promise<void>;
}

export interface Service extends Running {
  readonly port: number;
}

/** Builds the app, listens, and returns a handle that stops it in order: drain, close, flush traces. */
export async function serve(opts: ServeOptions): Promise<Service> {
  let stopping = false;
  const app = createApp({ ...opts, metrics: createMetrics(opts.name), stopping: () => stopping });
  const http = await listen(app, opts.port, opts.host);
  opts.logger.info({ port: http.port }, `${opts.name} listening`);
  return {
    port: http.port,
    async stop() {
      stopping = true;
      opts.beforeDrain?.();
      await http.close(opts.drainMs);
      await opts.close?.();
      await shutdownTelemetry();
    },
  };
}
