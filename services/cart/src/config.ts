import { appConfig, sidecarConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Cart configuration, read from the environment. */
export const configSchema = appConfig.extend({
  ...sidecarConfig.shape,
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
