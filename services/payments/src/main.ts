import { createHmac } from 'node:crypto';
import { createStateStore, runMain, serviceStart, sidecarOf } from '@shopstack/kit';
import { createPaymentStore } from './data/payment-store.ts';
import { createSimulatedProvider } from './data/provider.ts';
import { findUnsettled } from './data/unsettled.ts';
import { createWebhookSender } from './data/webhook-sender.ts';
import { orderEventRoutes } from './http/events.ts';
import { webhookRoutes } from './http/webhooks.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, ({ config, logger }) => {
  const sidecar = sidecarOf(config);
  const ledger = createStateStore(sidecar, config.PAYMENT_STORE);
  const secret =
    config.PROVIDER_WEBHOOK_SECRET ??
    createHmac('sha256', config.APP_API_TOKEN).update('provider-webhook').digest('hex');
  const provider = createSimulatedProvider({
    ledger,
    slowMs: config.PROVIDER_SLOW_MS,
    notify: createWebhookSender(sidecar, config.APP_ID, secret),
    onError: (err) => logger.warn({ err }, 'provider webhook failed; retrying'),
  });
  const deps = { store: createPaymentStore(ledger), provider };
  return {
    readiness: { sidecar: () => sidecar.healthz() },
    routes: (router, metrics) => {
      orderEventRoutes(deps, logger)(router, metrics);
      webhookRoutes(deps, secret)(router);
    },
    beforeDrain: () => provider.stop(),
    // the sidecar starts after the app; pick up charges a previous run left unsettled once it answers
    onListening: () =>
      resumeWhenSidecarIsUp(
        async () => provider.resume(await findUnsettled(ledger)),
        (err) => logger.warn({ err }, 'could not resume unsettled charges'),
      ),
  };
});

function resumeWhenSidecarIsUp(work: () => Promise<void>, onError: (err: unknown) => void, attempt = 0): void {
  setTimeout(
    () => {
      work().catch((err: unknown) => {
        if (attempt < 60) resumeWhenSidecarIsUp(work, onError, attempt + 1);
        else onError(err);
      });
    },
    attempt === 0 ? 0 : 1_000,
  ).unref();
}

if (import.meta.main) runMain(manifest.name, start);
