import { z } from 'zod';

/**
 * The gateway's rate limits (services/gateway/src/config.ts): the production defaults, and bounds that
 * keep a typo from turning them off. A test that needs more than 600 requests a minute from one address
 * says so in its own ShopStack; the product's defaults stay.
 */
export const gatewaySpec = z
  .object({
    rateLimits: z
      .object({
        perAddress: z
          .int()
          .min(1)
          .max(100_000)
          .default(600)
          .describe('Requests per client address per window before 429 (the production default is 600).'),
        perUser: z
          .int()
          .min(1)
          .max(100_000)
          .default(300)
          .describe('Requests per signed-in user per window before 429 (the production default is 300).'),
        windowSeconds: z.int().min(1).max(3600).default(60).describe('Window of both limits, in seconds.'),
      })
      .prefault({}),
  })
  .prefault({})
  .describe("The public gateway's limits.");

export type GatewaySpec = z.output<typeof gatewaySpec>;

/** The gateway's settings for its limits (its ConfigMap). */
export function gatewayLimitSettings(gateway: GatewaySpec): Record<string, string> {
  const { perAddress, perUser, windowSeconds } = gateway.rateLimits;
  return {
    RATE_LIMIT_PER_ADDRESS: String(perAddress),
    RATE_LIMIT_PER_USER: String(perUser),
    RATE_LIMIT_WINDOW_SECONDS: String(windowSeconds),
  };
}
