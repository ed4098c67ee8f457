import type { z } from 'zod';
import { loadConfig } from './config.ts';
import { deadLetterRoutes } from './dead-letters.ts';
import { createLogger, type Logger } from './logger.ts';
import type { ServiceManifest } from './manifest.ts';
import { type ServeOptions, type Service, serve } from './service.ts';

/** What a service builds from its config: its routes and readiness checks, and what to close when it stops. */
export interface ServiceParts extends Omit<ServeOptions, 'name' | 'port' | 'host' | 'logger' | 'appApiToken'> {
  /** Runs once the app listens, e.g. work that needs its sidecar (which starts after the app). */
  readonly onListening?: () => void;
}

export interface StartContext<C> {
  readonly config: C;
  readonly logger: Logger;
}

/** Where the manifest says the app listens, and the token its sidecar presents when its config reads one. */
function listenOf(manifest: ServiceManifest, config: unknown): Pick<ServeOptions, 'port' | 'host' | 'appApiToken'> {
  const settings = config as Readonly<Record<string, unknown>>;
  const { portEnv, hostEnv } = manifest.listen;
  const port = settings[portEnv];
  const host = settings[hostEnv];
  if (typeof port !== 'number' || typeof host !== 'string') {
    throw new Error(`${manifest.name}'s config must read ${portEnv} (a number) and ${hostEnv}, as its manifest says`);
  }
  const token = settings.APP_API_TOKEN;
  return typeof token === 'string' ? { port, host, appApiToken: token } : { port, host };
}

/**
 * The `start()` of a service: validates its config first thing (a bad value stops it, naming the variable),
 * builds its parts, and serves them where its manifest says; with APP_API_TOKEN in its config, the app
 * answers only its sidecar. Tests start it on port 0.
 */
export function serviceStart<M extends ServiceManifest>(
  manifest: M,
  build: (ctx: StartContext<z.output<M['config']>>) => Promise<ServiceParts> | ServiceParts,
): (env?: NodeJS.ProcessEnv) => Promise<Service> {
  return async (env = process.env) => {
    const config = loadConfig(manifest.config, env) as z.output<M['config']>;
    const listen = listenOf(manifest, config);
    const logger = createLogger(manifest.name);
    const { onListening, ...parts } = await build({ config, logger });
    const deadLetters = deadLetterRoutes(manifest.subscribes, logger);
    const routes: ServeOptions['routes'] = (router, metrics) => {
      deadLetters(router, metrics);
      parts.routes(router, metrics);
    };
    const service = await serve({ ...parts, routes, ...listen, name: manifest.name, logger });
    onListening?.();
    return service;
  };
}
