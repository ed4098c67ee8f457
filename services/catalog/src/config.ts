import { appConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Catalog configuration, read from the environment. */
export const configSchema = appConfig.extend({
  /** Postgres connection string of the catalog database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Redis for the product read cache, e.g. redis://127.0.0.1:6379; unset disables the cache. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** How long a cached product may live without a write replacing it. */
  PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Insert the demo catalog when the products table is empty. */
  SEED_DEMO: z.stringbool().default(false),
});

export type Config = z.output<typeof configSchema>;
