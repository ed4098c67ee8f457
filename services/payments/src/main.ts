import { createHmac } from 'node:crypto';
import {
  createInvoker,
  createLogger,
  createStateStore,
  loadConfig,
  runMain,
  type Service,
  serve,
  sidecarOf,
  sidecarReady,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createPaymentStore } from './data/payment-store.ts';
import { createSimulatedProvider } from './data/provider.ts';
import { findUnsettled } from './data/unsettled.ts';
import { createWebhookSender } from './data/webhook-sender.ts';
import { orderEventRoutes } from './http/events.ts';
import { webhookRoutes } from './http/webhooks.ts';

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger('payments');
  const sidecar = sidecarOf(config);
  const state = createStateStore(sidecar, config.PAYMENT_STORE);
  const secret =
    config.PROVIDER_WEBHOOK_SECRET ??
    createHmac('sha256', config.APP_API_TOKEN).update('provider-webhook').digest('hex');
  const invoker = createInvoker(sidecar);
  const provider = createSimulatedProvider({
    ledger: state,
    slowMs: config.PROVIDER_SLOW_MS,
    notify: createWebhookSender(invoker, config.APP_ID, secret),
    onError: (err) => logger.warn({ err }, 'provider webhook failed; retrying'),
  });
  const deps = { store: createPaymentStore(state), provider };
  const service = await serve({
    name: 'payments',
    port: config.APP_PORT,
    host: config.HOST,
    logger,
    appApiToken: config.APP_API_TOKEN,
    readiness: {
      sidecar: sidecarReady(sidecar),
    },
    routes: (router, metrics) => {
      orderEventRoutes(deps, logger)(router, metrics);
      webhookRoutes(deps, secret)(router);
    },
    beforeDrain: () => provider.stop(),
  });
  // the sidecar starts after the app; pick up charges a previous run left unsettled once it answers
  resumeWhenSidecarIsUp(
    async () => provider.resume(await findUnsettled(sidecar, config.PAYMENT_STORE)),
    (err) => logger.warn({ err }, 'could not resume unsettled charges'),
  );
  return service;
}

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

if (import.meta.main) runMain('payments', start);
