import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Order updates to users over Server-Sent Events (streamed through the gateway). */
export const manifest = {
  name: 'notifications',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'postgres' },
  callers: [{ appId: 'gateway' }],
  subscribes: ['orders'],
  // one request and one insert per batch instead of per event; a notification waits ≤ 50 ms for its batch
  batches: { maxMessages: 64, maxAwaitMs: 50 },
} as const satisfies ServiceManifest;
