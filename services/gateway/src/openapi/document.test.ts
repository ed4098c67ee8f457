import { createApp, createLogger, createMetrics, type Invoker, listen, type StreamInvoker } from '@shopstack/kit';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../auth/verifier.ts';
import type { RateLimits } from '../data/rate-limits.ts';
import { authRoutes } from '../http/auth.ts';
import { cartRoutes } from '../http/cart.ts';
import { inventoryRoutes } from '../http/inventory.ts';
import { notificationRoutes } from '../http/notifications.ts';
import { orderRoutes } from '../http/orders.ts';
import { createReadCache } from '../data/read-cache.ts';
import { productRoutes } from '../http/products.ts';
import { methodNotAllowed, type RouteContext } from '../http/route.ts';
import { createApiDocument } from './registry.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks the generated OpenAPI document loosely
type Loose = any;

const unused = (): never => {
  throw new Error('not called by these tests');
};
const invoker = { invoke: unused, invokeStream: unused } as unknown as Invoker & StreamInvoker;
const ctx: RouteContext = {
  doc: createApiDocument(),
  verifier: { verify: unused } as unknown as TokenVerifier,
  limits: { consumeAddress: async () => undefined, consumeUser: unused } as unknown as RateLimits,
};

/** Every public route of the gateway, then the 405 answers, as main.ts mounts them. */
function mountAll(router: Router): void {
  authRoutes(ctx, invoker, 'identity')(router);
  productRoutes(ctx, invoker, 'catalog', createReadCache(0))(router);
  cartRoutes(ctx, invoker, 'cart')(router);
  inventoryRoutes(ctx, invoker, 'inventory')(router);
  orderRoutes(ctx, invoker, 'orders')(router);
  notificationRoutes(ctx, invoker, 'notifications')(router);
  methodNotAllowed(ctx.doc)(router);
}

describe('the OpenAPI document', () => {
  let url: string;
  let close: () => Promise<void>;
  let doc: Loose;

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger('gateway', 'silent'),
      metrics: createMetrics('gateway'),
      routes: mountAll,
    });
    const http = await listen(app, 0, '127.0.0.1');
    url = `http://127.0.0.1:${http.port}`;
    close = () => http.close(0);
    doc = ctx.doc.document();
  });

  afterAll(async () => {
    await close();
  });

  const operations = (): Loose[] => Object.values(doc.paths).flatMap((item: Loose) => Object.values(item)) as Loose[];

  it('names every operation, and every link leads to an operation and fills only its parameters', () => {
    const byId = new Map(operations().map((op) => [op.operationId, op]));
    expect(byId.size).toBe(operations().length);
    const links = operations().flatMap((op) =>
      Object.values(op.responses).flatMap((r: Loose) => Object.values(r.links ?? {})),
    ) as Loose[];
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) {
      const target = byId.get(link.operationId);
      expect(target, link.operationId).toBeDefined();
      const names = (target.parameters ?? []).map((p: Loose) => p.name);
      for (const name of Object.keys(link.parameters ?? {})) expect(names).toContain(name);
    }
  });

  it('links stocked products to placing an order, and orders to reading and cancelling them', () => {
    const setStock = doc.paths['/api/v1/inventory/{productId}'].put.responses['200'].links;
    expect(setStock.placeOrder.requestBody.items[0].productId).toBe('$request.path.productId');
    const placeOrder = doc.paths['/api/v1/orders'].post.responses['202'].links;
    expect(Object.keys(placeOrder)).toEqual(['getOrder', 'cancelOrder']);
  });

  it('states that a product change needs at least one field', () => {
    expect(doc.components.schemas.ProductPatch.minProperties).toBe(1);
  });

  it('states the password policy of a new account', () => {
    const password = doc.components.schemas.Register.properties.password;
    expect(password).toMatchObject({ minLength: 10, maxLength: 256, not: { pattern: '^(.)\\1*$' } });
  });

  it('checks a name before trimming it, so that its stated length and pattern hold', async () => {
    const category = doc.components.schemas.ProductCreate.properties.category;
    expect(new RegExp(category.pattern).test(' \r\t')).toBe(false);
    expect(new RegExp(category.pattern).test(' Coffee ')).toBe(true);
    expect((await fetch(`${url}/api/v1/products?category=%20%0D`)).status).toBe(400);
    expect((await fetch(`${url}/api/v1/products?q=${'x'.repeat(200)}%20`)).status).toBe(400);
  });

  it('states the e-mail syntax the gateway accepts as a pattern', () => {
    const email = doc.components.schemas.Register.properties.email;
    expect(email.format).toBeUndefined();
    expect(new RegExp(email.pattern).test('ann@example.com')).toBe(true);
    expect(new RegExp(email.pattern).test('a{b@example.info')).toBe(false);
  });

  it('declares the bearer scheme on every operation that needs a token', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const secured = operations().filter((op) => op.security);
    expect(secured.every((op) => op.responses['401'])).toBe(true);
  });

  it('rejects text the services cannot store (NUL) with a 400 naming the field, and says so', async () => {
    const res = await fetch(`${url}/api/v1/products?category=%00x`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('category');
    expect(doc.components.schemas.ProductCreate.properties.description.pattern).toBe('^[^\\u0000]*$');
  });

  it('answers a method the document does not declare on a known path with 405 and Allow', async () => {
    const res = await fetch(`${url}/api/v1/products`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers OPTIONS on a known path with the methods it allows', async () => {
    const res = await fetch(`${url}/api/v1/orders/00000000-0000-4000-8000-000000000000`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('still answers 404 on a path the document does not know', async () => {
    const res = await fetch(`${url}/api/v1/nothing-here`, { method: 'PUT' });
    expect(res.status).toBe(404);
  });
});
