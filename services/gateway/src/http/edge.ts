import type { RequestHandler } from 'express';
import type { RateLimits } from '../data/rate-limits.ts';

/** Internal identity headers may only be set by the gateway itself, never by a public client. */
export function stripInternalHeaders(): RequestHandler {
  return (req, _res, next) => {
    for (const name of Object.keys(req.headers)) if (name.startsWith('x-shopstack-')) delete req.headers[name];
    next();
  };
}

const allowHeaders = 'authorization, content-type, if-match, if-none-match, idempotency-key, last-event-id';
const exposeHeaders = 'etag, location, retry-after, x-request-id';

/** CORS for the configured browser origins; preflights are answered here. */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.set('access-control-allow-origin', origin);
      res.set('access-control-expose-headers', exposeHeaders);
    }
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    if (origin && allowed.has(origin)) {
      res.set('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
      res.set('access-control-allow-headers', allowHeaders);
      res.set('access-control-max-age', '600');
    }
    res.status(204).end();
  };
}

/** Per-address budget for every API request (the address comes from the trusted proxy chain). */
export function limitByAddress(limits: RateLimits): RequestHandler {
  return (req, _res, next) => {
    limits.consumeAddress(req.ip ?? 'unknown');
    next();
  };
}
