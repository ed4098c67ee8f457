import { AppError, type Caller, callerHeaders, requireRole, validate } from '@shopstack/kit';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { TokenVerifier } from '../auth/verifier.ts';
import type { RateLimits } from '../data/rate-limits.ts';
import { type ApiDocument, problemSchema, type RouteConfig } from '../openapi/registry.ts';

/** Who may call a route: anyone, any signed-in user, or users with the admin role. */
export type Access = 'public' | 'user' | 'admin';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  readonly params: Out<P>;
  readonly query: Out<Q>;
  readonly body: Out<B>;
  /** Present on `user` and `admin` routes. */
  readonly caller: Caller | undefined;
  readonly req: Request;
  readonly res: Response;
}

/** An OpenAPI link: which operation a response leads to, and the runtime expressions that fill its input. */
export interface Link {
  readonly operationId: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly requestBody?: unknown;
  readonly description?: string;
}

export interface RouteSpec<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined> {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Unique name of the operation, the target of links. */
  readonly operationId: string;
  /** OpenAPI form, e.g. `/api/v1/products/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: P;
  readonly query?: Q;
  /** JSON body; routes with one answer 415 to another content type. */
  readonly body?: B;
  /** Request headers worth documenting (not validated here: the service decides, e.g. 428 for a missing If-Match). */
  readonly headers?: z.ZodObject;
  /** Success responses by status; problem responses are added from `errors`. */
  readonly responses: Readonly<
    Record<
      number,
      { description: string; schema?: z.ZodType; headers?: z.ZodObject; links?: Readonly<Record<string, Link>> }
    >
  >;
  /** Problem statuses the route can answer besides the common ones (400, 413, 415, 429, 502, 503, 401/403). */
  readonly errors?: readonly number[];
  handle(input: RouteInput<P, Q, B>): Promise<void>;
}

export interface RouteContext {
  readonly doc: ApiDocument;
  readonly verifier: TokenVerifier;
  readonly limits: RateLimits;
}

const problemDescriptions: Record<number, string> = {
  400: 'invalid input; `errors` names each wrong field',
  401: 'missing, expired or invalid access token',
  403: 'the caller lacks the required role',
  404: 'no such resource',
  409: 'conflicts with the current state',
  412: 'If-Match does not match the current version',
  413: 'request body too large',
  415: 'the body is not application/json',
  428: 'If-Match is required',
  429: 'rate limited; see Retry-After',
  502: 'a service behind the gateway answered wrongly',
  503: 'a dependency is unavailable',
};

/** `/api/v1/products/{id}` → `/api/v1/products/:id` */
function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function bearer(req: Request): string {
  const header = req.get('authorization');
  const match = header && /^Bearer ([\w.~+/=-]{1,4096})$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError(401, 'authentication required', {
      detail: 'send Authorization: Bearer <accessToken>',
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  return match[1];
}

function document<P extends Schema, Q extends Schema, B extends Schema>(spec: RouteSpec<P, Q, B>): RouteConfig {
  const statuses = new Set([400, 429, 502, 503, ...(spec.errors ?? [])]);
  if (spec.body) for (const s of [413, 415]) statuses.add(s);
  if (spec.access !== 'public') statuses.add(401);
  if (spec.access === 'admin') statuses.add(403);
  const problem = { content: { 'application/problem+json': { schema: problemSchema } } };
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.links ? { links: { ...r.links } } : {}),
      ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}),
    };
  }
  for (const status of [...statuses].sort()) {
    responses[String(status)] = { description: problemDescriptions[status] ?? 'problem', ...problem };
  }
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.access === 'public' ? {} : { security: [{ bearer: [] }] }),
    ...(spec.access === 'admin' ? { description: 'Requires the `admin` role.' } : {}),
    request: {
      ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    },
    responses,
  };
}

/**
 * Mounts one public route and documents it in the OpenAPI document from the same zod schemas:
 * authentication and role checks, per-user rate limit, then validation of path, query and body
 * (unknown fields are rejected where the schemas are strict), then `handle`.
 */
export function route<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  router: Router,
  ctx: RouteContext,
  spec: RouteSpec<P, Q, B>,
): void {
  ctx.doc.registerRoute(document(spec));
  router[spec.method](expressPath(spec.path), async (req, res) => {
    let caller: Caller | undefined;
    if (spec.access !== 'public') {
      caller = await ctx.verifier.verify(bearer(req));
      if (spec.access === 'admin') requireRole(caller, 'admin');
      ctx.limits.consumeUser(caller.id);
      res.set('cache-control', 'no-store');
    }
    if (spec.body && !req.is('application/json')) {
      throw new AppError(415, 'the request body must be application/json');
    }
    const input = {
      params: (spec.params ? validate(spec.params, req.params, 'path') : undefined) as Out<P>,
      query: (spec.query ? validate(spec.query, req.query, 'query') : undefined) as Out<Q>,
      body: (spec.body ? validate(spec.body, req.body, 'body') : undefined) as Out<B>,
      caller,
      req,
      res,
    };
    await spec.handle(input);
  });
}

/**
 * Answers a method that the document does not declare on a path it does: 405 with `Allow`, or 204 with
 * `Allow` for OPTIONS. Mounted after every route.
 */
export function methodNotAllowed(doc: ApiDocument): (router: Router) => void {
  return (router) => {
    for (const [path, item] of Object.entries(doc.document().paths ?? {})) {
      const methods = Object.keys(item ?? {}).map((m) => m.toUpperCase());
      const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
      router.all(expressPath(path), (req, res) => {
        if (req.method === 'OPTIONS') {
          res.set('allow', allow).status(204).end();
          return;
        }
        throw new AppError(405, `${req.method} is not allowed on ${path}`, { headers: { allow } });
      });
    }
  };
}

export const noContent = { 204: { description: 'done' } } as const;

/** The identity headers for a service call on behalf of the caller of a `user` or `admin` route. */
export function asCaller(caller: Caller | undefined): Record<string, string> {
  if (!caller) throw new AppError(401, 'authentication required');
  return callerHeaders(caller);
}
