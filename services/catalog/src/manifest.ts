import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Products and prices; read by the gateway, and by the services that price or check products. */
export const manifest = {
  name: 'catalog',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'postgres' },
  redis: 'optional',
  callers: [
    { appId: 'gateway' },
    { appId: 'orders', why: 'the checkout saga prices the items' },
    { appId: 'cart', why: 'a cart line shows the current price' },
    { appId: 'inventory', why: 'stock is created only for a product that exists' },
  ],
  subscribes: [],
  demoSeedEnv: 'SEED_DEMO',
} as const satisfies ServiceManifest;
