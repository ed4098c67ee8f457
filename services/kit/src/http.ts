import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { AppError, asAppError, toProblem } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { runInTraceContext, traceContextOf } from './trace-context.ts';

export interface AppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Named checks run by /readyz; each rejects when its dependency is unreachable. */
  readonly readiness?: Readonly<Record<string, () => Promise<unknown>>>;
  /** True once the process is stopping: /readyz then answers 503 whatever the checks say. */
  readonly stopping?: () => boolean;
  /**
   * When set, every route except /healthz, /readyz and /metrics requires it in `dapr-api-token` (Dapr's
   * APP_API_TOKEN). Such an app answers only its sidecar, never a browser, so it sends no security headers.
   */
  readonly appApiToken?: string;
  /** Proxies whose X-Forwarded-For is believed (Express `trust proxy`; default loopback). */
  readonly trustProxy?: string;
  /** Largest JSON body accepted (default 64kb); larger → 413. */
  readonly bodyLimit?: string;
  /** Mounts the service's routes; `metrics` is there for business counters. */
  readonly routes: (router: Router, metrics: Metrics) => void;
}

/** Express app with body limits, request ids, W3C trace context, ops endpoints, problem+json errors, and security headers at the public edge. */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? 'loopback');
  if (!opts.appApiToken) app.use(helmet());
  app.use(requestContext(opts));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (opts.stopping?.()) {
      res.status(503).json({ status: 'stopping', failed: [] });
      return;
    }
    const checks = Object.entries(opts.readiness ?? {});
    const results = await Promise.allSettled(checks.map(([, check]) => check()));
    const failed = checks.filter((_, i) => results[i]?.status === 'rejected').map(([name]) => name);
    res.status(failed.length ? 503 : 200).json({ status: failed.length ? 'unavailable' : 'ok', failed });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  if (opts.appApiToken) app.use(requireToken(opts.appApiToken));
  app.use(express.json({ limit: opts.bodyLimit ?? '64kb', type: ['application/json', 'application/*+json'] }));
  const router = express.Router();
  opts.routes(router, opts.metrics);
  app.use(router);
  app.use((req, _res, next) => next(AppError.notFound(`no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(opts.logger));
  return app;
}

function requestContext(opts: AppOptions): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const end = opts.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    runInTraceContext(traceContextOf(req.get('traceparent')), next);
  };
}

/** Rejects requests whose `dapr-api-token` header is not `token` (compared in constant time). */
export function requireToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = Buffer.from(req.get('dapr-api-token') ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(
      new AppError(401, 'missing or wrong app API token', {
        detail: 'this app only accepts calls from its Dapr sidecar',
      }),
    );
  };
}

function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = asAppError(err);
    const log = { err: appError.cause ?? appError, method: req.method, path: req.path, status: appError.status };
    if (appError.status >= 500) logger.error(log, 'request failed');
    else logger.debug(log, appError.message);
    if (res.headersSent) return res.end();
    res.status(appError.status).set(appError.headers).type('application/problem+json');
    res.send(JSON.stringify(toProblem(appError, req.originalUrl)));
  };
}
