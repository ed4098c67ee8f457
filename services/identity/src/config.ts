import { appConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Identity configuration, read from the environment. */
export const configSchema = appConfig
  .extend({
    /** Postgres connection string of the identity database. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    /** Redis for login throttling, e.g. redis://127.0.0.1:6379. */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }),
    /** `iss` of access tokens; the gateway pins the same value. */
    JWT_ISSUER: z.string().min(1).default('shopstack-identity'),
    /** `aud` of access tokens; the gateway pins the same value. */
    JWT_AUDIENCE: z.string().min(1).default('shopstack-api'),
    /** Lifetime of an access token. */
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(900),
    /** Lifetime of a refresh token (each use replaces it with a new one). */
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(30 * 24 * 3600),
    /** The signing key is replaced at start-up once it is older than this. */
    SIGNING_KEY_MAX_AGE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .default(30 * 24),
    /** Failed logins per account within the window before further attempts get 429. */
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    /** Failed logins per client address within the window before further attempts get 429. */
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
    /** Window of the login throttles. */
    LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60),
    /** Shortest password accepted. */
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(10),
    /** E-mail of the admin user created (or given the admin role) at start-up; unset creates none. */
    SHOPSTACK_ADMIN_EMAIL: z.email().optional(),
    /** Password of that admin user, used only when it is created. */
    SHOPSTACK_ADMIN_PASSWORD: z.string().min(8).optional(),
  })
  .refine((c) => Boolean(c.SHOPSTACK_ADMIN_EMAIL) === Boolean(c.SHOPSTACK_ADMIN_PASSWORD), {
    message: 'set both or neither',
    path: ['SHOPSTACK_ADMIN_PASSWORD'],
  });

export type Config = z.output<typeof configSchema>;
