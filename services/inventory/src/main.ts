import { join } from 'node:path';
import {
  createApp,
  createInvoker,
  createLogger,
  createMetrics,
  createPool,
  listen,
  loadConfig,
  migrate,
  type Running,
  readMigrations,
  runMain,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createProductDirectory } from './data/product-directory.ts';
import { createReservationRepository } from './data/reservations-repo.ts';
import { createStockRepository } from './data/stock-repo.ts';
import { reservationRoutes } from './http/reservations.ts';
import { inventoryRoutes } from './http/routes.ts';

export interface InventoryService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<InventoryService> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('inventory');
  const pool = createPool(config.DATABASE_URL);
  const applied = await migrate(pool, readMigrations(join(import.meta.dirname, '../migrations')));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const invoker = createInvoker({
    host: '127.0.0.1',
    httpPort: config.DAPR_HTTP_PORT,
    apiToken: config.DAPR_API_TOKEN,
  });
  const app = createApp({
    logger,
    metrics: createMetrics('inventory'),
    appApiToken: config.APP_API_TOKEN,
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: (router) => {
      inventoryRoutes({
        stock: createStockRepository(pool),
        products: createProductDirectory(invoker, config.CATALOG_APP_ID),
      })(router);
      reservationRoutes(createReservationRepository(pool), config.ORDERS_APP_ID)(router);
    },
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'inventory listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      await pool.end();
    },
  };
}

if (import.meta.main) runMain('inventory', start);
