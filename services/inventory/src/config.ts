import { z } from 'zod';

/** Inventory configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Postgres connection string of the inventory database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** HTTP port of the app's Dapr sidecar. */
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Token the app presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
  /** Dapr app id of the catalog service (asked whether a product exists before its stock is created). */
  CATALOG_APP_ID: z.string().default('catalog'),
  /** Dapr app id of the orders service, the only caller allowed to reserve, commit and release stock. */
  ORDERS_APP_ID: z.string().default('orders'),
});

export type Config = z.output<typeof configSchema>;
