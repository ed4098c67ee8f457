import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** Charges and refunds through the simulated provider; its outbox publishes to `payments`. */
export const manifest = {
  name: 'payments',
  config: configSchema,
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  storage: { kind: 'state', store: 'paymentstore', storeEnv: 'PAYMENT_STORE', outboxTopic: 'payments' },
  callers: [
    {
      appId: 'payments',
      operations: [{ path: '/webhooks/provider', verbs: ['POST'] }],
      why: "the simulated provider delivers its signed webhooks through payments' own sidecar",
    },
  ],
  subscribes: ['orders'],
} as const satisfies ServiceManifest;
