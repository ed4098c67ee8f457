import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** The checkout saga: orders in a Dapr state store whose outbox publishes to `orders`. */
export const manifest = {
  name: 'orders',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'state', store: 'orderstore', storeEnv: 'ORDER_STORE', outboxTopic: 'orders' },
  callers: [{ appId: 'gateway' }],
  subscribes: ['payments'],
  // every replica's sidecar fires it; the replica holding the expiry lease sweeps unpaid orders
  schedules: [{ name: 'order-expiry', every: '1s' }],
} as const satisfies ServiceManifest;
