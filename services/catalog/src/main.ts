import { join } from 'node:path';
import { connectRedis, createPool, migrateFrom, runMain, serviceStart } from '@shopstack/kit';
import { Redis } from 'ioredis';
import { withProductCache } from './data/product-cache.ts';
import { createProductRepository } from './data/products-repo.ts';
import { seedDemoCatalog } from './data/seed.ts';
import { productRoutes } from './http/routes.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, async ({ config, logger }) => {
  const pool = createPool(config.DATABASE_URL, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  if (config.SEED_DEMO) {
    const seeded = await seedDemoCatalog(pool);
    if (seeded) logger.info({ seeded }, 'demo catalog seeded');
  }
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  if (redis) await connectRedis(redis, logger);
  const products = createProductRepository(pool);
  const repo = redis
    ? withProductCache(products, redis, { ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS, logger })
    : products;
  return {
    readiness: {
      postgres: () => pool.query('SELECT 1'),
      ...(redis ? { redis: () => redis.ping() } : {}),
    },
    routes: productRoutes(repo),
    close: async () => {
      await pool.end();
      redis?.disconnect();
    },
  };
});

if (import.meta.main) runMain(manifest.name, start);
