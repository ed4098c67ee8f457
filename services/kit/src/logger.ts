import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';
import { currentTraceContext } from './trace-context.ts';

export type { Logger };

/** JSON logs with the active trace and span ids; secrets in well-known fields are redacted. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: ['password', '*.password', 'req.headers.authorization', 'req.headers["dapr-api-token"]', '*.token'],
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext() ?? currentTraceContext();
      return span ? { traceId: span.traceId, spanId: span.spanId } : {};
    },
  });
}
