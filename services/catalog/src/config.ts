import { z } from 'zod';

/** Catalog configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Postgres connection string of the catalog database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** Redis for the product read cache, e.g. redis://127.0.0.1:6379; unset disables the cache. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** How long a cached product may live without a write replacing it. */
  PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Insert the demo catalog when the products table is empty. */
  SEED_DEMO: z.stringbool().default(false),
});

export type Config = z.output<typeof configSchema>;
