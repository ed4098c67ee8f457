import {
  createInvoker,
  createLogger,
  createStateStore,
  loadConfig,
  runMain,
  type Service,
  serve,
  sidecarOf,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createCartStore } from './data/cart-store.ts';
import { createCatalogPrices } from './data/catalog-prices.ts';
import { cartRoutes } from './http/routes.ts';

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('cart');
  const sidecar = sidecarOf(config);
  return serve({
    name: 'cart',
    port: config.APP_PORT,
    host: config.HOST,
    logger,
    appApiToken: config.APP_API_TOKEN,
    routes: cartRoutes({
      store: createCartStore(createStateStore(sidecar, config.STATE_STORE)),
      prices: createCatalogPrices(createInvoker(sidecar), config.CATALOG_APP_ID),
      defaultCurrency: config.DEFAULT_CURRENCY,
      maxLines: config.MAX_LINES,
    }),
  });
}

if (import.meta.main) runMain('cart', start);
