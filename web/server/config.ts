import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where `npm run build -w @shopstack/web` puts the page (web/dist/web). */
export const webDist = fileURLToPath(new URL('../dist/web', import.meta.url));

/** The storefront server's configuration, read from the environment (one schema, like the services'). */
export const configSchema = z.object({
  /** Port of the storefront (the page and its session endpoint). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  /** Address it binds to: loopback locally, 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The API gateway that /session/api/* is proxied to, e.g. http://127.0.0.1:8080. */
  GATEWAY_URL: z.url({ protocol: /^https?$/ }),
  /** The built page (index.html, assets/). */
  ASSETS_DIR: z.string().min(1).default(webDist),
  /**
   * The cookies' Secure flag: `auto` sets it when the request came over https (X-Forwarded-Proto from the
   * ingress), `always` and `never` force it.
   */
  COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Lifetime of the refresh-token cookie (the refresh token itself may expire sooner). */
  SESSION_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.output<typeof configSchema>;

/** Raised when the environment does not satisfy the schema; names every bad variable. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
}
