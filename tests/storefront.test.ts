import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, apiClient, type Session, storefrontEnv } from './support/storefront.ts';

describe('catalog, inventory and cart through the gateway', () => {
  let stack: TestStack;
  let api: ReturnType<typeof apiClient>;
  let admin: Session;
  let customer: Session;
  const missing = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    stack = await startTestStack(['gateway', 'catalog', 'identity', 'cart', 'inventory'], { env: storefrontEnv });
    api = apiClient(stack);
    admin = await api.login(ADMIN.email, ADMIN.password);
    customer = await api.register();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const newProduct = (overrides: Record<string, unknown> = {}) => ({
    sku: `T-${randomUUID().slice(0, 8)}`,
    name: 'Walnut Cutting Board',
    description: 'End-grain walnut board for serious chopping.',
    priceCents: 4500,
    currency: 'USD',
    category: 'kitchen',
    ...overrides,
  });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/api/v1/products', { token: admin.accessToken, body: newProduct(overrides) });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number; priceCents: number };
  };

  it('an admin creates a product; a customer gets 403 and an anonymous caller 401', async () => {
    const body = newProduct();
    const res = await api.call('POST', '/api/v1/products', { token: admin.accessToken, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, version: 1 });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/api/v1/products/${res.body.id}`);

    const asCustomer = await api.call('POST', '/api/v1/products', { token: customer.accessToken, body: newProduct() });
    expect(asCustomer.status).toBe(403);
    const anonymous = await api.call('POST', '/api/v1/products', { body: newProduct() });
    expect(anonymous.status).toBe(401);
  });

  it('a second live product with the same SKU is a 409 naming sku', async () => {
    const sku = `DUP-${randomUUID().slice(0, 6)}`;
    await create({ sku });
    const res = await api.call('POST', '/api/v1/products', { token: admin.accessToken, body: newProduct({ sku }) });
    expect(res.status).toBe(409);
    expect(res.body.errors[0].path).toBe('sku');
  });

  it('PATCH needs If-Match (428), refuses a stale one (412), and the next read shows the change', async () => {
    const product = await create();
    const path = `/api/v1/products/${product.id}`;
    await api.call('GET', path); // warm the cache

    const noMatch = await api.call('PATCH', path, { token: admin.accessToken, body: { priceCents: 3900 } });
    expect(noMatch.status).toBe(428);
    const ok = await api.call('PATCH', path, {
      token: admin.accessToken,
      body: { priceCents: 3900 },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await api.call('PATCH', path, {
      token: admin.accessToken,
      body: { priceCents: 100 },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);

    const read = await api.call('GET', path);
    expect(read.body.priceCents).toBe(3900);
    expect(read.headers.get('etag')).toBe('"2"');
  });

  it('a soft-deleted product is gone from reads and lists; unknown ids are 404', async () => {
    const product = await create({ name: 'Vanishing Teapot' });
    const path = `/api/v1/products/${product.id}`;
    await api.call('GET', path); // warm the cache
    expect((await api.call('DELETE', path, { token: admin.accessToken })).status).toBe(204);
    expect((await api.call('GET', path)).status).toBe(404);
    const search = await api.call('GET', '/api/v1/products?q=vanishing%20teapot');
    expect(search.body.items).toHaveLength(0);
    expect((await api.call('DELETE', path, { token: admin.accessToken })).status).toBe(404);
    const patchMissing = await api.call('PATCH', `/api/v1/products/${missing}`, {
      token: admin.accessToken,
      body: { name: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expect(patchMissing.status).toBe(404);
  });

  it('full-text search ranks the best match first and the category filter narrows the list', async () => {
    await create({ name: 'Ceramic Pour-Over Dripper', category: 'coffee-gear', description: 'Brews clean coffee.' });
    await create({ name: 'Paper Filters', category: 'coffee-gear', description: 'For the pour-over dripper.' });
    const search = await api.call('GET', '/api/v1/products?q=dripper');
    expect(search.status).toBe(200);
    expect(search.body.items.map((p: { name: string }) => p.name).slice(0, 2)).toEqual([
      'Ceramic Pour-Over Dripper',
      'Paper Filters',
    ]);
    const byCategory = await api.call('GET', '/api/v1/products?category=coffee-gear');
    expect(byCategory.body.items).toHaveLength(2);
  });

  it('a cached product list shows each create, price change and delete on the next read', async () => {
    const category = `cached-${randomUUID().slice(0, 6)}`;
    const listPath = `/api/v1/products?category=${category}`;
    const names = async () =>
      ((await api.call('GET', listPath)).body.items as { name: string; priceCents: number }[]).map(
        (p) => `${p.name}:${p.priceCents}`,
      );
    expect(await names()).toEqual([]); // fills the cache with an empty page
    const product = await create({ category, name: 'Cached Kettle' });
    expect(await names()).toEqual(['Cached Kettle:4500']);
    const path = `/api/v1/products/${product.id}`;
    const patch = { token: admin.accessToken, body: { priceCents: 3900 }, headers: { 'if-match': '"1"' } };
    expect((await api.call('PATCH', path, patch)).status).toBe(200);
    expect(await names()).toEqual(['Cached Kettle:3900']);
    expect((await api.call('DELETE', path, { token: admin.accessToken })).status).toBe(204);
    expect(await names()).toEqual([]);
  });

  it('malformed, mistyped, unknown-field and oversized product bodies are 400/413 problems naming the field', async () => {
    const post = (body: unknown) => api.call('POST', '/api/v1/products', { token: admin.accessToken, body });
    const wrongType = await post(newProduct({ priceCents: '12.50' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].path).toBe('priceCents');
    const unknown = await post(newProduct({ discount: 5 }));
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toContain('discount');
    const badJson = await api.call('POST', '/api/v1/products', { token: admin.accessToken, raw: '{"sku":' });
    expect(badJson.status).toBe(400);
    const huge = await post(newProduct({ description: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    const badId = await api.call('GET', '/api/v1/products/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toBe('id');
  });

  it('an admin sets and reads stock; available never goes negative and unknown products are 404', async () => {
    const product = await create();
    const path = `/api/v1/inventory/${product.id}`;
    expect((await api.call('GET', path, { token: admin.accessToken })).status).toBe(404);
    const put = await api.call('PUT', path, { token: admin.accessToken, body: { onHand: 12 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ productId: product.id, onHand: 12, available: 12, reserved: 0, committed: 0 });
    const get = await api.call('GET', path, { token: admin.accessToken });
    expect(get.body.available).toBe(12);

    const negative = await api.call('PUT', path, { token: admin.accessToken, body: { onHand: -1 } });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].path).toBe('onHand');
    const unknownProduct = await api.call('PUT', `/api/v1/inventory/${missing}`, {
      token: admin.accessToken,
      body: { onHand: 1 },
    });
    expect(unknownProduct.status).toBe(404);
    const asCustomer = await api.call('GET', path, { token: customer.accessToken });
    expect(asCustomer.status).toBe(403);
  });

  it('a cart is built, re-quantified, guarded by If-Match and emptied, with catalog prices', async () => {
    const user = await api.register();
    const mug = await create({ priceCents: 1400 });
    const board = await create({ priceCents: 4500 });
    const item = (id: string) => `/api/v1/cart/items/${id}`;

    const empty = await api.call('GET', '/api/v1/cart', { token: user.accessToken });
    expect(empty.body).toEqual({ items: [], totalCents: 0, currency: 'USD' });

    const one = await api.call('PUT', item(mug.id), { token: user.accessToken, body: { quantity: 2 } });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      items: [{ productId: mug.id, quantity: 2, unitPriceCents: 1400 }],
      totalCents: 2800,
      currency: 'USD',
    });
    const etag = one.headers.get('etag') as string;
    const two = await api.call('PUT', item(board.id), {
      token: user.accessToken,
      body: { quantity: 1 },
      headers: { 'if-match': etag },
    });
    expect(two.status).toBe(200);
    expect(two.body.totalCents).toBe(2800 + 4500);

    const stale = await api.call('PUT', item(mug.id), {
      token: user.accessToken,
      body: { quantity: 5 },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);

    const zero = await api.call('PUT', item(mug.id), { token: user.accessToken, body: { quantity: 0 } });
    expect(zero.body.items.map((l: { productId: string }) => l.productId)).toEqual([board.id]);
    const removed = await api.call('DELETE', item(board.id), { token: user.accessToken });
    expect(removed.status).toBe(200);
    expect(removed.body.items).toEqual([]);
    expect((await api.call('DELETE', item(board.id), { token: user.accessToken })).status).toBe(404);

    await api.call('PUT', item(mug.id), { token: user.accessToken, body: { quantity: 1 } });
    expect((await api.call('DELETE', '/api/v1/cart', { token: user.accessToken })).status).toBe(204);
    const cleared = await api.call('GET', '/api/v1/cart', { token: user.accessToken });
    expect(cleared.body.items).toEqual([]);
  });

  it('adding an unknown product to a cart is a 404; a bad quantity is a 400; carts are per user', async () => {
    const user = await api.register();
    const unknown = await api.call('PUT', `/api/v1/cart/items/${missing}`, {
      token: user.accessToken,
      body: { quantity: 1 },
    });
    expect(unknown.status).toBe(404);
    const product = await create();
    const bad = await api.call('PUT', `/api/v1/cart/items/${product.id}`, {
      token: user.accessToken,
      body: { quantity: 1.5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('quantity');
    await api.call('PUT', `/api/v1/cart/items/${product.id}`, { token: user.accessToken, body: { quantity: 3 } });
    const other = await api.call('GET', '/api/v1/cart', { token: customer.accessToken });
    expect(other.body.items).toEqual([]);
    expect((await api.call('GET', '/api/v1/cart')).status).toBe(401);
  });

  it('serves an OpenAPI 3.1 document covering every storefront route, and a browsable page', async () => {
    const doc = await api.call('GET', '/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const op of [
      'POST /api/v1/auth/register',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/logout',
      'GET /api/v1/me',
      'GET /.well-known/jwks.json',
      'GET /api/v1/products',
      'GET /api/v1/products/{id}',
      'POST /api/v1/products',
      'PATCH /api/v1/products/{id}',
      'DELETE /api/v1/products/{id}',
      'GET /api/v1/inventory/{productId}',
      'PUT /api/v1/inventory/{productId}',
      'GET /api/v1/cart',
      'PUT /api/v1/cart/items/{productId}',
      'DELETE /api/v1/cart/items/{productId}',
      'DELETE /api/v1/cart',
    ]) {
      expect(operations).toContain(op);
    }
    const page = await fetch(`${stack.gatewayUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/v1/cart/items/{productId}');
  });
});
