import {
  createInvoker,
  createLogger,
  createStateStore,
  loadConfig,
  runMain,
  type Service,
  serve,
  sidecarOf,
  sidecarReady,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createLease } from './data/lease.ts';
import { createOrderStore } from './data/order-store.ts';
import { createCart, createCatalog, createInventory } from './data/services.ts';
import { paymentEventRoutes } from './http/events.ts';
import { expiryRoutes } from './http/expiry.ts';
import { orderRoutes } from './http/orders.ts';

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('orders');
  const sidecar = sidecarOf(config);
  const invoker = createInvoker(sidecar);
  const state = createStateStore(sidecar, config.ORDER_STORE);
  const store = createOrderStore(state, sidecar, config.ORDER_STORE);
  const inventory = createInventory(invoker, config.INVENTORY_APP_ID);
  const now = (): Date => new Date();
  const saga = { store, inventory, now };
  return serve({
    name: 'orders',
    port: config.APP_PORT,
    host: config.HOST,
    logger,
    appApiToken: config.APP_API_TOKEN,
    readiness: {
      sidecar: sidecarReady(sidecar),
    },
    routes: (router, metrics) => {
      orderRoutes({
        ...saga,
        catalog: createCatalog(invoker, config.CATALOG_APP_ID, config.PRICE_CACHE_MS),
        cart: createCart(invoker, config.CART_APP_ID),
        paymentTokens: config.PAYMENT_TOKENS,
        deadlineMs: config.ORDER_PAYMENT_DEADLINE_MS,
      })(router, metrics);
      paymentEventRoutes(saga, logger)(router, metrics);
      expiryRoutes({ ...saga, lease: createLease(state, 'expiry-lease', config.EXPIRY_LEASE_MS) }, logger)(router);
    },
  });
}

if (import.meta.main) runMain('orders', start);
