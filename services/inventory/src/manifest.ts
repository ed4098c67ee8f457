import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Stock and reservations; only orders reserves, commits and releases. */
export const manifest = {
  name: 'inventory',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'postgres' },
  callers: [{ appId: 'gateway' }, { appId: 'orders', why: 'the checkout saga reserves, commits and releases stock' }],
  subscribes: [],
} as const satisfies ServiceManifest;
