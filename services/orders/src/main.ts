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
  startTelemetry,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createLease } from './data/lease.ts';
import { createOrderStore } from './data/order-store.ts';
import { createCart, createCatalog, createInventory } from './data/services.ts';
import { paymentEventRoutes } from './http/events.ts';
import { expiryRoutes } from './http/expiry.ts';
import { orderRoutes } from './http/orders.ts';

export interface OrdersService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<OrdersService> {
  const config = loadConfig(configSchema, env);
  const telemetry = startTelemetry('orders', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('orders');
  const sidecar = { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
  const invoker = createInvoker(sidecar);
  const state = createStateStore(sidecar, config.ORDER_STORE);
  const store = createOrderStore(state, sidecar, config.ORDER_STORE);
  const inventory = createInventory(invoker, config.INVENTORY_APP_ID);
  const now = (): Date => new Date();
  const saga = { store, inventory, now };
  const app = createApp({
    logger,
    metrics: createMetrics('orders'),
    appApiToken: config.APP_API_TOKEN,
    readiness: {
      sidecar: async () => {
        const res = await fetch(`http://127.0.0.1:${config.DAPR_HTTP_PORT}/v1.0/healthz`);
        if (!res.ok) throw new Error(`sidecar answered ${res.status}`);
      },
    },
    routes: (router) => {
      orderRoutes({
        ...saga,
        catalog: createCatalog(invoker, config.CATALOG_APP_ID, config.PRICE_CACHE_MS),
        cart: createCart(invoker, config.CART_APP_ID),
        paymentTokens: config.PAYMENT_TOKENS,
        deadlineMs: config.ORDER_PAYMENT_DEADLINE_MS,
      })(router);
      paymentEventRoutes(saga, logger)(router);
      expiryRoutes({ ...saga, lease: createLease(state, 'expiry-lease', config.EXPIRY_LEASE_MS) }, logger)(router);
    },
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'orders listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      await telemetry.shutdown();
    },
  };
}

if (import.meta.main) runMain('orders', start);
