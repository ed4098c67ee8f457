import { appConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Notifications configuration, read from the environment. */
export const configSchema = appConfig.extend({
  /** Postgres connection string of the notifications database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Seconds between SSE keep-alive comments. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
});

export type Config = z.output<typeof configSchema>;
