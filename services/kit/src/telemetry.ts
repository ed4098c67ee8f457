import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Telemetry {
  /** Flushes buffered spans; call it last when the service stops. */
  shutdown(): Promise<void>;
}

interface ShutdownCapable {
  shutdown?: () => Promise<void>;
  getDelegate?: () => ShutdownCapable;
}

/**
 * Tracing for a service. The runner loads otel-preload.ts with `--import`, which registers the
 * provider and the ESM instrumentation before any module loads; when a service is started without
 * it (e.g. imported by a test), a provider is registered here, without auto-instrumentation.
 */
export function startTelemetry(service: string, otlpEndpoint: string | undefined): Telemetry {
  let provider = (trace.getTracerProvider() as ShutdownCapable).getDelegate?.();
  if (!provider?.shutdown) {
    const own = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
      spanProcessors: otlpEndpoint
        ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint}/v1/traces` }))]
        : [],
    });
    own.register();
    provider = own;
  }
  return { shutdown: () => provider?.shutdown?.() ?? Promise.resolve() };
}
