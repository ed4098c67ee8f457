import { connectRedis, runMain, serviceStart, sidecarOf } from '@shopstack/kit';
import { Redis } from 'ioredis';
import { createTokenVerifier } from './auth/verifier.ts';
import { createRateLimits } from './data/rate-limits.ts';
import { createReadCache } from './data/read-cache.ts';
import { authRoutes } from './http/auth.ts';
import { cartRoutes } from './http/cart.ts';
import { docsRoutes } from './http/docs.ts';
import { cors, limitByAddress, stripInternalHeaders } from './http/edge.ts';
import { inventoryRoutes } from './http/inventory.ts';
import { notificationRoutes } from './http/notifications.ts';
import { orderRoutes } from './http/orders.ts';
import { productRoutes } from './http/products.ts';
import { methodNotAllowed, type RouteContext } from './http/route.ts';
import { manifest } from './manifest.ts';
import { createApiDocument } from './openapi/registry.ts';

export const start = serviceStart(manifest, async ({ config, logger }) => {
  const sidecar = sidecarOf(config);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await connectRedis(redis, logger);
  const limits = createRateLimits(
    redis,
    {
      perAddress: config.RATE_LIMIT_PER_ADDRESS,
      perUser: config.RATE_LIMIT_PER_USER,
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      syncMs: config.RATE_LIMIT_SYNC_MS,
    },
    logger,
  );
  const verifier = createTokenVerifier({
    invoker: sidecar,
    identityAppId: config.IDENTITY_APP_ID,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    cooldownSeconds: config.JWKS_COOLDOWN_SECONDS,
  });
  const doc = createApiDocument();
  const ctx: RouteContext = { doc, verifier, limits };
  return {
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    readiness: {
      sidecar: () => sidecar.healthz(),
      redis: () => redis.ping(),
    },
    routes: (router) => {
      router.use(stripInternalHeaders(), cors(config.CORS_ORIGINS));
      docsRoutes(doc)(router);
      router.use(limitByAddress(limits));
      authRoutes(ctx, sidecar, config.IDENTITY_APP_ID)(router);
      productRoutes(ctx, sidecar, config.CATALOG_APP_ID, createReadCache(config.PRODUCT_CACHE_MS))(router);
      cartRoutes(ctx, sidecar, config.CART_APP_ID)(router);
      inventoryRoutes(ctx, sidecar, config.INVENTORY_APP_ID)(router);
      orderRoutes(ctx, sidecar, config.ORDERS_APP_ID)(router);
      notificationRoutes(ctx, sidecar, config.NOTIFICATIONS_APP_ID)(router);
      methodNotAllowed(doc)(router);
    },
    close: async () => redis.disconnect(),
  };
});

if (import.meta.main) runMain(manifest.name, start);
