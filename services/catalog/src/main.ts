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
import { Redis } from 'ioredis';
import { configSchema } from './config.ts';
import { withProductCache } from './data/product-cache.ts';
import { createProductRepository } from './data/products-repo.ts';
import { seedDemoCatalog } from './data/seed.ts';
import { productRoutes } from './http/routes.ts';

export interface CatalogService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<CatalogService> {
  const config = loadConfig(configSchema, env);
  const telemetry = startTelemetry('catalog', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('catalog');
  const pool = createPool(config.DATABASE_URL);
  const applied = await migrate(pool, readMigrations(join(import.meta.dirname, '../migrations')));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.SEED_DEMO) {
    const seeded = await seedDemoCatalog(pool);
    if (seeded) logger.info({ seeded }, 'demo catalog seeded');
  }
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  await redis?.connect();
  const products = createProductRepository(pool);
  const repo = redis
    ? withProductCache(products, redis, { ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS, logger })
    : products;
  const app = createApp({
    logger,
    metrics: createMetrics('catalog'),
    appApiToken: config.APP_API_TOKEN,
    readiness: {
      postgres: () => pool.query('SELECT 1'),
      ...(redis ? { redis: () => redis.ping() } : {}),
    },
    routes: productRoutes(repo),
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'catalog listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      await pool.end();
      redis?.disconnect();
      await telemetry.shutdown();
    },
  };
}

if (import.meta.main) runMain('catalog', start);
