import { connect as http2Connect } from 'node:http2';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { InvokeResponse } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sidecarClientOf } from './support/sidecar.ts';
import { metricValue, startTestStack, type TestStack } from './support/stack.ts';

describe('gateway → Dapr (mTLS) → catalog', () => {
  let stack: TestStack;
  const sidecar = (app: 'gateway' | 'catalog') => {
    const s = stack.services[app];
    if (!s) throw new Error(`${app} is not running`);
    return s;
  };

  beforeAll(async () => {
    stack = await startTestStack(['gateway', 'catalog']);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the seeded products through the gateway, and the call is counted by both sidecars', async () => {
    const metricsOf = async (app: 'gateway' | 'catalog'): Promise<string> =>
      (await fetch(`http://127.0.0.1:${sidecar(app).sidecar.ports.metrics}/metrics`)).text();
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products?limit=50`);

    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { sku: string; priceCents: number }[]; nextCursor: string | null };
    expect(body.items).toHaveLength(20);
    expect(body.items.find((p) => p.sku === 'MUG-001')?.priceCents).toBe(1400);
    expect(body.nextCursor).toBeNull();
    const sent = await metricsOf('gateway');
    expect(
      metricValue(sent, 'dapr_runtime_service_invocation_req_sent_total', { dst_app_id: 'catalog' }),
    ).toBeGreaterThan(0);
    const recv = await metricsOf('catalog');
    expect(
      metricValue(recv, 'dapr_runtime_service_invocation_req_recv_total', { src_app_id: 'gateway' }),
    ).toBeGreaterThan(0);
  });

  it('pages through the catalog with a cursor without repeating or skipping products', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=7&cursor=${cursor}` : 'limit=7';
      const page = (await (await fetch(`${stack.gatewayUrl}/api/v1/products?${query}`)).json()) as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
  });

  it('gets one product with its ETag, and an unknown id is a 404 problem', async () => {
    const list = (await (await fetch(`${stack.gatewayUrl}/api/v1/products?limit=1`)).json()) as {
      items: { id: string }[];
    };
    const id = list.items[0]?.id;
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(((await res.json()) as { id: string }).id).toBe(id);

    const missing = await fetch(`${stack.gatewayUrl}/api/v1/products/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('repeated product reads within PRODUCT_CACHE_MS reach catalog once; full-text searches reach it every time', async () => {
    const received = async (): Promise<number> =>
      metricValue(
        await (await fetch(`http://127.0.0.1:${sidecar('catalog').sidecar.ports.metrics}/metrics`)).text(),
        'dapr_runtime_service_invocation_req_recv_total',
        { src_app_id: 'gateway' },
      );
    const before = await received();
    for (let i = 0; i < 4; i++) expect((await fetch(`${stack.gatewayUrl}/api/v1/products?limit=4`)).status).toBe(200);
    const cached = await received();
    for (let i = 0; i < 2; i++) expect((await fetch(`${stack.gatewayUrl}/api/v1/products?q=mug`)).status).toBe(200);
    const searched = await received();

    expect(cached - before).toBe(1);
    expect(searched - cached).toBe(2);
  });

  it('bad input is a 400 problem naming the field, never a 500', async () => {
    const badId = await fetch(`${stack.gatewayUrl}/api/v1/products/not-a-uuid`);
    expect(badId.status).toBe(400);
    const badLimit = await fetch(`${stack.gatewayUrl}/api/v1/products?limit=-3`);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('limit');
    const badCursor = await fetch(`${stack.gatewayUrl}/api/v1/products?cursor=garbage`);
    expect(badCursor.status).toBe(400);
  });

  it('mTLS is on: a TLS client without a Sentry-issued certificate cannot talk to a sidecar', async () => {
    const port = sidecar('catalog').sidecar.ports.internalGrpc;
    const outcome = await new Promise<string>((resolve) => {
      const session = http2Connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
      session.on('error', (err) => resolve(`error: ${err.message}`));
      const req = session.request({
        ':path': '/dapr.proto.internals.v1.ServiceInvocation/CallLocal',
        ':method': 'POST',
        'content-type': 'application/grpc',
      });
      req.on('response', (headers) => resolve(`response ${headers[':status']}`));
      req.on('error', (err) => resolve(`error: ${err.message}`));
      req.end();
    });
    expect(outcome).toMatch(/^error: /);
  });

  it('access control: catalog may not invoke the gateway, gateway may invoke catalog', async () => {
    const invoke = (from: 'gateway' | 'catalog', to: string, path: string): Promise<InvokeResponse> =>
      sidecarClientOf(sidecar(from)).invoke(to, { method: 'GET', path });
    const denied = await invoke('catalog', 'gateway', 'healthz');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/access control policy/i);
    const allowed = await invoke('gateway', 'catalog', 'products?limit=1');
    expect(allowed.status).toBe(200);
  });

  it('the app rejects calls without its APP_API_TOKEN; the sidecar rejects calls without DAPR_API_TOKEN', async () => {
    const catalog = sidecar('catalog');
    const direct = await fetch(`http://127.0.0.1:${catalog.appPort}/products`);
    expect(direct.status).toBe(401);
    const withToken = await fetch(`http://127.0.0.1:${catalog.appPort}/products`, {
      headers: { 'dapr-api-token': catalog.tokens.appApiToken },
    });
    expect(withToken.status).toBe(200);

    const listProducts = { method: 'GET', path: 'products' } as const;
    const noToken = await sidecarClientOf(sidecar('gateway'), '').invoke('catalog', listProducts);
    expect(noToken.status).toBe(401);
    const wrongToken = await sidecarClientOf(sidecar('gateway'), catalog.tokens.daprApiToken).invoke(
      'catalog',
      listProducts,
    );
    expect(wrongToken.status).toBe(401);
  });

  it("the caller's sidecar caches where catalog is: a second call makes no lookup that would now find no host", async () => {
    const gateway = sidecar('gateway');
    const invokeCatalog = (): Promise<InvokeResponse> =>
      sidecarClientOf(gateway).invoke('catalog', { method: 'GET', path: 'products?limit=1' });
    expect((await invokeCatalog()).status).toBe(200); // resolved, and cached
    // the name resolution table, as the sidecars share it: catalog's row made stale, so a lookup finds no host
    const db = new DatabaseSync(join(stack.dir, 'nameresolution.db'), { timeout: 5000 });
    try {
      const stale = db.prepare("UPDATE hosts SET last_update = 0 WHERE app_id = 'catalog'").run();
      expect(stale.changes).toBe(1);
      expect((await invokeCatalog()).status).toBe(200);
    } finally {
      db.prepare("UPDATE hosts SET last_update = unixepoch() WHERE app_id = 'catalog'").run();
      db.close();
    }
  });
});
