import {
  createApp,
  createInvoker,
  createLogger,
  createMetrics,
  listen,
  loadConfig,
  type Running,
  runMain,
  startTelemetry,
} from '@shopstack/kit';
import { configSchema } from './config.ts';
import { productRoutes } from './http/products.ts';

export interface GatewayService extends Running {
  readonly port: number;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<GatewayService> {
  const config = loadConfig(configSchema, env);
  const telemetry = startTelemetry('gateway', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('gateway');
  const sidecar = { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
  const invoker = createInvoker(sidecar);
  const app = createApp({
    logger,
    metrics: createMetrics('gateway'),
    readiness: {
      sidecar: async () => {
        const res = await fetch(`http://127.0.0.1:${config.DAPR_HTTP_PORT}/v1.0/healthz`);
        if (!res.ok) throw new Error(`sidecar answered ${res.status}`);
      },
    },
    routes: productRoutes(invoker, config.CATALOG_APP_ID),
  });
  const http = await listen(app, config.PORT, config.HOST);
  logger.info({ port: http.port }, 'gateway listening');
  return {
    port: http.port,
    async stop() {
      await http.close();
      await telemetry.shutdown();
    },
  };
}

if (import.meta.main) runMain('gateway', start);
