import { z } from 'zod';

/** Notifications configuration, read from the environment. */
export const configSchema = z.object({
  /** Port the app listens on (its sidecar calls it there). */
  APP_PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Postgres connection string of the notifications database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
  /** Seconds between SSE keep-alive comments. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
});

export type Config = z.output<typeof configSchema>;
