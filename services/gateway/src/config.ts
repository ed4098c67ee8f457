import { commaList, sidecarConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Gateway configuration, read from the environment: the public edge, which calls its own sidecar. */
export const configSchema = sidecarConfig.extend({
  /** Public port of the REST API. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address the public API binds to. */
  HOST: z.string().default('127.0.0.1'),
  /**
   * Proxies whose X-Forwarded-For names the client (Express \`trust proxy\`: loopback, uniquelocal, CIDRs);
   * rate limits and login throttles count that client. Behind a cluster's ingress: its pod network.
   */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  /** Redis for rate limits, e.g. redis://127.0.0.1:6379. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Dapr app id of the catalog service. */
  CATALOG_APP_ID: z.string().default('catalog'),
  /** Dapr app id of the identity service (also the source of the JWKS). */
  IDENTITY_APP_ID: z.string().default('identity'),
  /** Dapr app id of the cart service. */
  CART_APP_ID: z.string().default('cart'),
  /** Dapr app id of the inventory service. */
  INVENTORY_APP_ID: z.string().default('inventory'),
  /** Dapr app id of the orders service. */
  ORDERS_APP_ID: z.string().default('orders'),
  /** Dapr app id of the notifications service (Server-Sent Events). */
  NOTIFICATIONS_APP_ID: z.string().default('notifications'),
  /** `iss` that access tokens must carry. */
  JWT_ISSUER: z.string().min(1).default('shopstack-identity'),
  /** `aud` that access tokens must carry. */
  JWT_AUDIENCE: z.string().min(1).default('shopstack-api'),
  /** Minimum time between two JWKS downloads triggered by an unknown `kid`. */
  JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(5),
  /** Requests per client address per window before 429. */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(600),
  /** Requests per authenticated user per window before 429. */
  RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(300),
  /** Window of the rate limits. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * How often a replica adds its request counts to Redis and learns the other replicas'. Requests are
   * decided in memory; with several replicas a client can get what the others admitted within this
   * interval on top of its budget.
   */
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(10).max(10_000).default(100),
  /**
   * How long the gateway answers a product read (one product, or a page of the list without `q`) from its
   * own memory. A write through a gateway clears its cache at once; another replica serves the previous
   * answer for at most this long. 0 turns the cache off.
   */
  PRODUCT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Browser origins allowed by CORS, comma-separated (empty: none). */
  CORS_ORIGINS: commaList.default([]),
  /** Largest request body accepted; larger → 413. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/)
    .default('16kb'),
});

export type Config = z.output<typeof configSchema>;
