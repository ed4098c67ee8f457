// Loaded with `node --import` before a service's own modules, so that the ESM loader hook can
// instrument http, fetch, express, pg and ioredis as they are imported. The service name and the OTLP
// endpoint come from OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT; without an endpoint spans are
// still created (logs carry trace ids, W3C context flows through the sidecars) but not exported.
// The full @opentelemetry/sdk-node would add ~40 MB per service for exporters we do not use.
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { createAddHookMessageChannel } from 'import-in-the-middle';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const provider = new NodeTracerProvider({
  // Without an exporter, new traces are not sampled: context still flows (so a caller's sampled
  // trace is followed end to end), but no span is recorded, and the sidecars, whose samplers are
  // parent-based too, skip theirs as well.
  sampler: new ParentBasedSampler({ root: endpoint ? new AlwaysOnSampler() : new AlwaysOffSampler() }),
  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? 'shopstack' }),
  spanProcessors: endpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))] : [],
});
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    // http in and out (calls to the sidecar) and fetch carry the W3C trace context
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? '') }),
    new UndiciInstrumentation(),
    // spans of middleware layers, queries and Redis commands only matter where they are exported;
    // without an exporter they wrap every call for nothing
    ...(endpoint ? [new ExpressInstrumentation(), new PgInstrumentation(), new IORedisInstrumentation()] : []),
  ],
});
await waitForAllMessagesAcknowledged();
