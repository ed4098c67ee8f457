// Loaded with `node --import` before a service's own modules. With OTEL_EXPORTER_OTLP_ENDPOINT set, it
// imports OpenTelemetry, registers a tracer provider that exports there, and the ESM loader hook that
// instruments http, fetch, express, pg and ioredis as they are imported (service name: OTEL_SERVICE_NAME).
// Without an endpoint it loads nothing: spans that nobody exports took about a quarter of the apps' CPU
// per order (docs/checkout.md, "Seventh round"), and the kit carries the W3C trace context through logs
// and sidecar calls itself (trace-context.ts).
// The full @opentelemetry/sdk-node would add ~40 MB per service for exporters we do not use.
import { register } from 'node:module';

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (endpoint) {
  const [
    { OTLPTraceExporter },
    { registerInstrumentations },
    { ExpressInstrumentation },
    { HttpInstrumentation },
    { IORedisInstrumentation },
    { PgInstrumentation },
    { UndiciInstrumentation },
    { resourceFromAttributes },
    { BatchSpanProcessor, NodeTracerProvider },
    { ATTR_SERVICE_NAME },
    { createAddHookMessageChannel },
  ] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/semantic-conventions'),
    import('import-in-the-middle'),
  ]);
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? 'shopstack' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  await waitForAllMessagesAcknowledged();
}
