import { join } from 'node:path';
import {
  createInvoker,
  createLogger,
  createPool,
  loadConfig,
  migrateFrom,
  runMain,
  type Service,
  serve,
  sidecarOf,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createProductDirectory } from './data/product-directory.ts';
import { createReservationRepository } from './data/reservations-repo.ts';
import { createStockRepository } from './data/stock-repo.ts';
import { reservationRoutes } from './http/reservations.ts';
import { inventoryRoutes } from './http/routes.ts';

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('inventory');
  const pool = createPool(config.DATABASE_URL, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  const invoker = createInvoker(sidecarOf(config));
  return serve({
    name: 'inventory',
    port: config.APP_PORT,
    host: config.HOST,
    logger,
    appApiToken: config.APP_API_TOKEN,
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: (router) => {
      inventoryRoutes({
        stock: createStockRepository(pool),
        products: createProductDirectory(invoker, config.CATALOG_APP_ID),
      })(router);
      reservationRoutes(createReservationRepository(pool), config.ORDERS_APP_ID)(router);
    },
    close: () => pool.end(),
  });
}

if (import.meta.main) runMain('inventory', start);
