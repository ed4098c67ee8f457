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
  const app = createApp({
    logger,
    metrics: createMetrics('catalog'),
    appApiToken: config.APP_API_TOKEN,
    readiness: { postgres: () => pool.query('SELECT 1') },
    routes: productRoutes(createProductRepository(pool)),
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'catalog listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      await pool.end();
      await telemetry.shutdown();
    },
  };
}

if (import.meta.main) runMain('catalog', start);
