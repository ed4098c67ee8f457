import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Users, sessions and signing keys (kept in its own database). */
export const manifest = {
  name: 'identity',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'postgres' },
  redis: 'required',
  callers: [{ appId: 'gateway' }],
  subscribes: [],
  adminEnv: { email: 'SHOPSTACK_ADMIN_EMAIL', password: 'SHOPSTACK_ADMIN_PASSWORD' },
} as const satisfies ServiceManifest;
