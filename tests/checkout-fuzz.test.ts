import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack.ts';
import { apiClient, storefrontEnv } from './support/storefront.ts';

const RUNS_PER_OPERATION = 40;
const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('', ' ', '-1', '1e309', 'null', 'tok_visa', '00000000-0000-4000-8000-000000000000', 'x'.repeat(5000)),
);
const orderBody = fc.oneof(
  fc.record(
    {
      items: fc.oneof(
        junk,
        fc.array(fc.record({ productId: fc.oneof(fc.uuid(), junk), quantity: junk }), { maxLength: 3 }),
      ),
      payment: fc.oneof(junk, fc.record({ token: junk })),
      extra: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);

describe('order routes under malformed input', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack(['gateway', 'identity', 'catalog', 'cart', 'inventory', 'orders'], {
      env: { ...storefrontEnv, gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '100000' } },
    });
    token = (await apiClient(stack).register()).accessToken;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('no malformed order request gets a 5xx, and every refusal is a problem+json', async () => {
    const request = fc.record({
      route: fc.constantFrom(
        'POST /api/v1/orders',
        'GET /api/v1/orders',
        'GET /api/v1/orders/{id}',
        'POST /api/v1/orders/{id}/cancel',
      ),
      id: fc.oneof(fc.uuid(), junk.map(String)),
      query: fc.array(fc.tuple(fc.constantFrom('limit', 'cursor', 'other'), junk.map(String)), { maxLength: 3 }),
      body: orderBody.map((b) => JSON.stringify(b) ?? 'undefined'),
      key: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }))),
      contentType: fc.constantFrom('application/json', 'application/json', 'text/plain'),
    });
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [method, template] = r.route.split(' ') as [string, string];
        const path = template.replace('{id}', encodeURIComponent(r.id));
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': r.contentType };
        if (r.key !== null) headers['idempotency-key'] = r.key.replace(/[^\x20-\x7e]/g, '');
        const res = await fetch(`${stack.gatewayUrl}${path}?${new URLSearchParams(r.query)}`, {
          method,
          headers,
          body: method === 'POST' ? r.body : undefined,
        });
        await res.arrayBuffer();
        const problem =
          res.status < 400 || (res.headers.get('content-type') ?? '').includes('application/problem+json');
        if (res.status >= 500 || !problem) failures.push(`${method} ${path} → ${res.status}`);
        return res.status < 500 && problem;
      }),
      { numRuns: RUNS_PER_OPERATION * 4, endOnFailure: true, seed: 20261122 },
    );
    expect(failures).toEqual([]);
  });
});
