import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * The W3C trace context a request runs in. Without an OTLP exporter no span is recorded anywhere
 * (OpenTelemetry is not loaded, see otel-preload.ts), so the kit carries the context itself: a request
 * takes the `traceparent` its sidecar sends (or starts a trace at the edge), its logs carry the trace
 * id, and every call it makes to its sidecar forwards the same `traceparent`, which Dapr passes on to
 * the app it invokes (tests/tracing.test.ts). One trace id thus follows a request through the logs of
 * the services it reaches. With an exporter, OpenTelemetry's span context takes precedence in logs and its
 * HTTP instrumentation overwrites the header with its own client span.
 */
export interface TraceContext {
  readonly traceId: string;
  /** The caller's span (the parent id of the incoming `traceparent`), or a new id at the edge. */
  readonly spanId: string;
  /** The `traceparent` header to forward. */
  readonly traceparent: string;
}

const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);
const storage = new AsyncLocalStorage<TraceContext>();

/** The context of a valid `traceparent` (a header, or a CloudEvent's attribute); undefined for anything else. */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  const match = typeof value === 'string' ? W3C.exec(value) : null;
  return match?.[1] && match[2] && match[1] !== INVALID_TRACE && match[2] !== INVALID_SPAN
    ? { traceId: match[1], spanId: match[2], traceparent: value as string }
    : undefined;
}

/**
 * The context of a `traceparent` header; a new, unsampled trace when the header is absent or malformed.
 * A new trace draws its ids only when something reads them (a log line, a call to the sidecar): a read
 * the gateway answers from its cache uses neither, and drawing them took a tenth of its CPU.
 */
export function traceContextOf(header: string | undefined): TraceContext {
  return parseTraceparent(header) ?? new NewTrace();
}

/**
 * A trace started here, its ids drawn on first read. A class, not an object literal with getters and a
 * closure: that literal took ~1 KB per request and about a third of them outlived young collections (the
 * async context holding it is kept by what the request starts), so under 5,000 reads/s the gateway
 * promoted ~0.5 KB per read and ran a full collection every ~4 s; with the class, none in 20 s.
 */
class NewTrace implements TraceContext {
  #traceId = '';
  #spanId = '';

  get traceId(): string {
    return this.#draw().#traceId;
  }

  get spanId(): string {
    return this.#draw().#spanId;
  }

  get traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-00`;
  }

  #draw(): this {
    if (!this.#traceId) {
      const hex = randomBytes(24).toString('hex');
      this.#traceId = hex.slice(0, 32);
      this.#spanId = hex.slice(32);
    }
    return this;
  }
}

/** Runs `fn` (and everything it starts) in `context`. */
export function runInTraceContext<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The trace context of the request being served, if any. */
export function currentTraceContext(): TraceContext | undefined {
  return storage.getStore();
}
