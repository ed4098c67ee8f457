import { join } from 'node:path';
import {
  createApp,
  createLogger,
  createMetrics,
  createPool,
  listen,
  loadConfig,
  migrate,
  type Running,
  readMigrations,
  runMain,
  startTelemetry,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createNotificationRepository } from './data/notifications-repo.ts';
import { listenForWakeups } from './data/wakeups.ts';
import { orderEventRoutes } from './http/events.ts';
import { streamRoutes } from './http/stream.ts';

export interface NotificationsService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<NotificationsService> {
  const config = loadConfig(configSchema, env);
  const telemetry = startTelemetry('notifications', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('notifications');
  const pool = createPool(config.DATABASE_URL);
  const applied = await migrate(pool, readMigrations(join(import.meta.dirname, '../migrations')));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const repo = createNotificationRepository(pool);
  const wakeups = await listenForWakeups(pool);
  const app = createApp({
    logger,
    metrics: createMetrics('notifications'),
    appApiToken: config.APP_API_TOKEN,
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: (router) => {
      orderEventRoutes(repo, logger)(router);
      streamRoutes({ repo, wakeups, heartbeatMs: config.SSE_HEARTBEAT_MS }, logger)(router);
    },
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'notifications listening');
  return {
    port: http.port,
    async stop() {
      http.server.closeAllConnections();
      await http.close();
      await wakeups.close();
      await pool.end();
      await telemetry.shutdown();
    },
  };
}

if (import.meta.main) runMain('notifications', start);
