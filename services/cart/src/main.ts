import {
  createApp,
  createInvoker,
  createLogger,
  createMetrics,
  createStateStore,
  listen,
  loadConfig,
  type Running,
  runMain,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createCartStore } from './data/cart-store.ts';
import { createCatalogPrices } from './data/catalog-prices.ts';
import { cartRoutes } from './http/routes.ts';

export interface CartService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<CartService> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('cart');
  const sidecar = { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
  const app = createApp({
    logger,
    metrics: createMetrics('cart'),
    appApiToken: config.APP_API_TOKEN,
    routes: cartRoutes({
      store: createCartStore(createStateStore(sidecar, config.STATE_STORE)),
      prices: createCatalogPrices(createInvoker(sidecar), config.CATALOG_APP_ID),
      defaultCurrency: config.DEFAULT_CURRENCY,
      maxLines: config.MAX_LINES,
    }),
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'cart listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
    },
  };
}

if (import.meta.main) runMain('cart', start);
