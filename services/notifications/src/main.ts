import { join } from 'node:path';
import { createPool, migrateFrom, runMain, serviceStart } from '@shopstack/kit';
import { createNotificationRepository } from './data/notifications-repo.ts';
import { listenForWakeups } from './data/wakeups.ts';
import { orderEventRoutes } from './http/events.ts';
import { streamRoutes } from './http/stream.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, async ({ config, logger }) => {
  const pool = createPool(config.DATABASE_URL, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  const repo = createNotificationRepository(pool);
  const wakeups = await listenForWakeups(pool, logger);
  return {
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
  };
});

if (import.meta.main) runMain(manifest.name, start);
