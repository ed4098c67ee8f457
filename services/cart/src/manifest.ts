import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Carts, kept in a Dapr state store. */
export const manifest = {
  name: 'cart',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'state', store: 'statestore', storeEnv: 'STATE_STORE' },
  callers: [
    { appId: 'gateway' },
    {
      appId: 'orders',
      operations: [{ path: '/cart', verbs: ['GET', 'DELETE'] }],
      why: "checkout reads the caller's cart and empties it once the order is accepted",
    },
  ],
  subscribes: [],
} as const satisfies ServiceManifest;
