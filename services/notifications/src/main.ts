import { join } from 'node:path';
import { createLogger, createPool, loadConfig, migrateFrom, runMain, type Service, serve } from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createNotificationRepository } from './data/notifications-repo.ts';
import { listenForWakeups } from './data/wakeups.ts';
import { orderEventRoutes } from './http/events.ts';
import { streamRoutes } from './http/stream.ts';

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('notifications');
  const pool = createPool(config.DATABASE_URL, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  const repo = createNotificationRepository(pool);
  const wakeups = await listenForWakeups(pool, logger);
  const service = await serve({
    name: 'notifications',
    port: config.APP_PORT,
    host: config.HOST,
    logger,
    appApiToken: config.APP_API_TOKEN,
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: (router, metrics) => {
      orderEventRoutes(repo, logger)(router, metrics);
      streamRoutes({ repo, wakeups, heartbeatMs: config.SSE_HEARTBEAT_MS }, logger)(router);
    },
    // event streams never end by themselves; clients resume with Last-Event-ID
    drainMs: 0,
    close: async () => {
      await wakeups.close();
      await pool.end();
    },
  });
  return service;
}

if (import.meta.main) runMain('notifications', start);
