import {
  createApp,
  createInvoker,
  createLogger,
  createMetrics,
  listen,
  loadConfig,
  type Running,
  runMain,
} from '@shopstack/kit';
import { Redis } from 'ioredis';
import { createTokenVerifier } from './auth/verifier.ts';
import { configSchema } from './config.ts';
import { createRateLimits } from './data/rate-limits.ts';
import { authRoutes } from './http/auth.ts';
import { cartRoutes } from './http/cart.ts';
import { docsRoutes } from './http/docs.ts';
import { cors, limitByAddress, stripInternalHeaders } from './http/edge.ts';
import { inventoryRoutes } from './http/inventory.ts';
import { notificationRoutes } from './http/notifications.ts';
import { orderRoutes } from './http/orders.ts';
import { productRoutes } from './http/products.ts';
import type { RouteContext } from './http/route.ts';
import { createApiDocument } from './openapi/registry.ts';

export interface GatewayService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<GatewayService> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('gateway');
  const sidecar = { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
  const invoker = createInvoker(sidecar);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await redis.connect();
  const limits = createRateLimits(redis, {
    perAddress: config.RATE_LIMIT_PER_ADDRESS,
    perUser: config.RATE_LIMIT_PER_USER,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  });
  const verifier = createTokenVerifier({
    sidecar,
    identityAppId: config.IDENTITY_APP_ID,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    cooldownSeconds: config.JWKS_COOLDOWN_SECONDS,
  });
  const doc = createApiDocument();
  const ctx: RouteContext = { doc, verifier, limits };
  const app = createApp({
    logger,
    metrics: createMetrics('gateway'),
    bodyLimit: config.BODY_LIMIT,
    readiness: {
      sidecar: async () => {
        const res = await fetch(`http://127.0.0.1:${config.DAPR_HTTP_PORT}/v1.0/healthz`);
        if (!res.ok) throw new Error(`sidecar answered ${res.status}`);
      },
      redis: () => redis.ping(),
    },
    routes: (router) => {
      router.use(stripInternalHeaders(), cors(config.CORS_ORIGINS));
      docsRoutes(doc)(router);
      router.use(limitByAddress(limits));
      authRoutes(ctx, invoker, config.IDENTITY_APP_ID)(router);
      productRoutes(ctx, invoker, config.CATALOG_APP_ID)(router);
      cartRoutes(ctx, invoker, config.CART_APP_ID)(router);
      inventoryRoutes(ctx, invoker, config.INVENTORY_APP_ID)(router);
      orderRoutes(ctx, invoker, config.ORDERS_APP_ID)(router);
      notificationRoutes(ctx, sidecar, config.NOTIFICATIONS_APP_ID)(router);
    },
  });
  const http = await listen(app, config.PORT, config.HOST);
  logger.info({ port: http.port }, 'gateway listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      redis.disconnect();
    },
  };
}

if (import.meta.main) runMain('gateway', start);
