import { appConfig, sidecarConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Payments configuration, read from the environment. */
export const configSchema = appConfig.extend({
  ...sidecarConfig.shape,
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
