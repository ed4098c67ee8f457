import { z } from 'zod';

/** Orders configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** HTTP port of the app's Dapr sidecar. */
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Token the app presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
  /** Dapr state store of the orders, with the outbox to the `orders` topic. */
  ORDER_STORE: z.string().default('orderstore'),
  /** Dapr app ids of the services the saga calls. */
  CATALOG_APP_ID: z.string().default('catalog'),
  INVENTORY_APP_ID: z.string().default('inventory'),
  CART_APP_ID: z.string().default('cart'),
  /** How long an order may wait for its payment before it is cancelled as `expired`. */
  ORDER_PAYMENT_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15 * 60_000),
  /** How long the replica that sweeps expired orders holds the lease before another may take over. */
  EXPIRY_LEASE_MS: z.coerce.number().int().min(500).default(10_000),
  /** Payment tokens the simulated provider knows; any other is a 400 at order creation. */
  PAYMENT_TOKENS: z
    .string()
    .default('tok_visa,tok_declined,tok_slow')
    .transform((s) =>
      s
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  /** How long product prices read from the catalog are reused. */
  PRICE_CACHE_MS: z.coerce.number().int().min(0).default(2_000),
});

export type Config = z.output<typeof configSchema>;
