import { join } from 'node:path';
import { createPool, migrateFrom, runMain, serviceStart, sidecarOf } from '@shopstack/kit';
import { createProductDirectory } from './data/product-directory.ts';
import { createReservationRepository } from './data/reservations-repo.ts';
import { createStockRepository } from './data/stock-repo.ts';
import { reservationRoutes } from './http/reservations.ts';
import { inventoryRoutes } from './http/routes.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, async ({ config, logger }) => {
  const pool = createPool(config.DATABASE_URL, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  const products = createProductDirectory(sidecarOf(config), config.CATALOG_APP_ID);
  return {
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: (router) => {
      inventoryRoutes({ stock: createStockRepository(pool), products })(router);
      reservationRoutes(createReservationRepository(pool), config.ORDERS_APP_ID)(router);
    },
    close: () => pool.end(),
  };
});

if (import.meta.main) runMain(manifest.name, start);
