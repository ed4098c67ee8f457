import { z } from 'zod';

/** Cart configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** HTTP port of the app's Dapr sidecar. */
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Token the app presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
  /** Dapr state store component that holds the carts. */
  STATE_STORE: z.string().default('statestore'),
  /** Dapr app id of the catalog service (prices come from there). */
  CATALOG_APP_ID: z.string().default('catalog'),
  /** Currency shown for an empty cart. */
  DEFAULT_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  /** Most distinct products one cart may hold. */
  MAX_LINES: z.coerce.number().int().min(1).max(500).default(50),
});

export type Config = z.output<typeof configSchema>;
