import { z } from 'zod';

/** Payments configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** HTTP port of the app's Dapr sidecar. */
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Token the app presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
  /** Dapr state store of payments, with the outbox to the `payments` topic. */
  PAYMENT_STORE: z.string().default('paymentstore'),
  /** Dapr app id of this service: the simulated provider calls its webhook through the sidecar. */
  APP_ID: z.string().default('payments'),
  /** HMAC key of provider webhooks; unset, it is derived from APP_API_TOKEN (shared by all replicas). */
  PROVIDER_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** How long the simulated provider takes to settle a `tok_slow` charge. */
  PROVIDER_SLOW_MS: z.coerce.number().int().min(0).default(3_000),
});

export type Config = z.output<typeof configSchema>;
