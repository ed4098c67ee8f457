import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, apiClient, storefrontEnv } from './support/storefront.ts';

interface Operation {
  readonly tag: string;
  readonly method: string;
  readonly path: string;
  readonly params: readonly { name: string; in: string }[];
  readonly bodyProps: readonly string[];
}

const RUNS_PER_OPERATION = 25;
/** The services this file starts, and the OpenAPI tags of the routes they serve. */
const services = ['gateway', 'catalog', 'identity', 'cart', 'inventory'] as const;
const tags = new Set(['auth', 'catalog', 'cart', 'inventory']);

/** Values that are wrong in as many ways as fast-check can think of, plus a few classics. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('', ' ', '-1', '1e309', 'null', '../../etc/passwd', "' OR 1=1 --", '%00', '\u0000', 'x'.repeat(5000)),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an OpenAPI document loosely
function operations(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      tag: op.tags?.[0] ?? '',
      method: method.toUpperCase(),
      path,
      params: (op.parameters ?? []).map((p: { name: string; in: string }) => ({ name: p.name, in: p.in })),
      bodyProps: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
    })),
  );
}

describe('fuzzing every route of the OpenAPI document with malformed input', () => {
  let stack: TestStack;
  let ops: Operation[];
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack(services, {
      env: { ...storefrontEnv, gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '100000' } },
    });
    const api = apiClient(stack);
    token = (await api.login(ADMIN.email, ADMIN.password)).accessToken;
    ops = operations((await api.call('GET', '/api/docs/openapi.json')).body).filter((op) => tags.has(op.tag));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('no malformed request to any documented route gets a 5xx', async () => {
    expect(ops.length).toBeGreaterThanOrEqual(17);
    const failures: string[] = [];
    for (const op of ops) {
      const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = op.params.filter((p) => p.in === 'query').map((p) => p.name);
      const request = fc.record({
        path: fc.tuple(...pathParams.map(() => fc.oneof(fc.uuid(), junk.map(String)))),
        query: fc.array(fc.tuple(fc.constantFrom(...queryParams, 'unknown', 'limit'), junk.map(String)), {
          maxLength: 3,
        }),
        body: fc.oneof(
          fc
            .record(Object.fromEntries(op.bodyProps.map((p) => [p, junk])), { requiredKeys: [] })
            .map((b) => JSON.stringify(b)),
          junk.map((v) => JSON.stringify(v) ?? 'undefined'),
          fc.string({ maxLength: 60 }),
          fc.constant('x'.repeat(70_000)),
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        authorized: fc.boolean(),
        ifMatch: fc.option(fc.oneof(fc.constant('"1"'), fc.string({ maxLength: 20 }))),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async (r) => {
            let i = 0;
            const url = op.path.replace(/\{\w+\}/g, () => encodeURIComponent(String(r.path[i++] ?? '')));
            const search = new URLSearchParams(r.query.map(([k, v]) => [k, v]));
            const headers: Record<string, string> = { 'content-type': r.contentType };
            if (r.authorized) headers.authorization = `Bearer ${token}`;
            if (r.ifMatch !== null) headers['if-match'] = r.ifMatch.replace(/[^\x20-\x7e]/g, '');
            const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
            const res = await fetch(`${stack.gatewayUrl}${url}?${search}`, {
              method: op.method,
              headers,
              body: hasBody ? r.body : undefined,
            });
            await res.arrayBuffer();
            if (res.status >= 500) failures.push(`${op.method} ${url}?${search} → ${res.status}`);
            return res.status < 500;
          }),
          { numRuns: RUNS_PER_OPERATION, endOnFailure: true, seed: 20261122 },
        )
        .catch((err: Error) => failures.push(`${op.method} ${op.path}: ${err.message.split('\n')[0]}`));
    }
    expect(failures).toEqual([]);
  });
});
