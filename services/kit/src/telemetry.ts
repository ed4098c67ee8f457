import { trace } from '@opentelemetry/api';

interface Flushable {
  shutdown?: () => Promise<void>;
  getDelegate?: () => Flushable;
}

/**
 * Flushes the spans still buffered by the provider that otel-preload.ts registered (the runner
 * loads it with `--import` into every service); a no-op when the service runs without it.
 */
export async function shutdownTelemetry(): Promise<void> {
  await (trace.getTracerProvider() as Flushable).getDelegate?.().shutdown?.();
}
