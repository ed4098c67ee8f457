import { createHmac } from 'node:crypto';
import {
  createApp,
  createInvoker,
  createLogger,
  createMetrics,
  createStateStore,
  listen,
  loadConfig,
  type Running,
  runMain,
  startTelemetry,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { createPaymentStore } from './data/payment-store.ts';
import { createSimulatedProvider } from './data/provider.ts';
import { findUnsettled } from './data/unsettled.ts';
import { createWebhookSender } from './data/webhook-sender.ts';
import { orderEventRoutes } from './http/events.ts';
import { webhookRoutes } from './http/webhooks.ts';

export interface PaymentsService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<PaymentsService> {
  const config = loadConfig(configSchema, env);
  const telemetry = startTelemetry('payments', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('payments');
  const sidecar = { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
  const state = createStateStore(sidecar, config.PAYMENT_STORE);
  const secret =
    config.PROVIDER_WEBHOOK_SECRET ??
    createHmac('sha256', config.APP_API_TOKEN).update('provider-webhook').digest('hex');
  const provider = createSimulatedProvider({
    ledger: state,
    slowMs: config.PROVIDER_SLOW_MS,
    notify: createWebhookSender(createInvoker(sidecar), config.APP_ID, secret),
    onError: (err) => logger.warn({ err }, 'provider webhook failed; retrying'),
  });
  const deps = { store: createPaymentStore(state), provider };
  const app = createApp({
    logger,
    metrics: createMetrics('payments'),
    appApiToken: config.APP_API_TOKEN,
    readiness: {
      sidecar: async () => {
        const res = await fetch(`http://127.0.0.1:${config.DAPR_HTTP_PORT}/v1.0/healthz`);
        if (!res.ok) throw new Error(`sidecar answered ${res.status}`);
      },
    },
    routes: (router) => {
      orderEventRoutes(deps, logger)(router);
      webhookRoutes(deps, secret)(router);
    },
  });
  const http = await listen(app, config.APP_PORT);
  logger.info({ port: http.port }, 'payments listening');
  // the sidecar starts after the app; pick up charges a previous run left unsettled once it answers
  resumeWhenSidecarIsUp(
    async () => provider.resume(await findUnsettled(sidecar, config.PAYMENT_STORE)),
    (err) => logger.warn({ err }, 'could not resume unsettled charges'),
  );
  return {
    port: http.port,
    async stop() {
      provider.stop();
      await http.close();
      await telemetry.shutdown();
    },
  };
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
