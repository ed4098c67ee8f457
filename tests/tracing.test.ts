import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../scripts/common/proc.ts';
import { serviceNames } from '../services/manifests.ts';
import { checkoutClient } from './support/checkout.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { storefrontEnv } from './support/storefront.ts';

interface ExportedSpan {
  service: string;
  traceId: string;
  name: string;
}

/** A minimal OTLP/HTTP JSON receiver that keeps every span it is sent. */
function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { traceId: string; name: string }[] }[];
        }[];
      };
      for (const rs of payload.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) spans.push({ service, traceId: s.traceId, name: s.name });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

describe('tracing', () => {
  let stack: TestStack;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
    stack = await startTestStack(['gateway', 'catalog'], { env: { gateway: otel, catalog: otel } });
  });

  afterAll(async () => {
    await stack?.stop();
    collector?.server.close();
  });

  it('one request is one trace across the gateway, both sidecars and catalog (down to its SQL)', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products?limit=1`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);

    const inTrace = await waitFor(
      'spans of both services to be exported',
      async () => {
        const spans = collector.spans.filter((s) => s.traceId === traceId);
        const services = new Set(spans.map((s) => s.service));
        return services.has('gateway') && services.has('catalog') && spans.some((s) => /pg|SELECT/i.test(s.name))
          ? spans
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(inTrace.filter((s) => s.service === 'catalog').length).toBeGreaterThan(0);
  });
});

describe('trace context without an exporter', () => {
  let stack: TestStack;

  beforeAll(async () => {
    const debug = { LOG_LEVEL: 'debug' };
    stack = await startTestStack(['gateway', 'catalog'], { env: { gateway: debug, catalog: debug } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The trace id of catalog's (debug) log of the 404 for `productId`. */
  const traceIdOfNotFound = (productId: string): Promise<string> =>
    waitFor(
      `catalog's log of the 404 for ${productId}`,
      async () =>
        readFileSync(stack.services.catalog?.proc.logFile ?? '', 'utf8')
          .split('\n')
          .filter((line) => line.includes(`product ${productId} does not exist`))
          .map((line) => (JSON.parse(line) as { traceId?: string }).traceId)[0],
      { timeoutMs: 10_000, intervalMs: 100 },
    );

  it("carries the caller's trace id through the gateway and both sidecars into catalog's logs", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const productId = crypto.randomUUID();
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products/${productId}`, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(res.status).toBe(404);
    expect(await traceIdOfNotFound(productId)).toBe(traceId);
  });

  it('replaces a malformed traceparent with a new trace instead of passing it on', async () => {
    const productId = crypto.randomUUID();
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products/${productId}`, {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01' },
    });
    expect(res.status).toBe(404);
    const traceId = await traceIdOfNotFound(productId);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });
});

describe("trace context through the saga's outbox", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, { env: { ...storefrontEnv, payments: { LOG_LEVEL: 'debug' } } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("an order's trace id reaches payments through orders' outbox and the pub/sub", async () => {
    const api = checkoutClient(stack);
    const user = await api.register();
    const [product] = await api.products(1);
    if (!product) throw new Error('no product');
    await api.setStock(product.id, 5);
    const traceId = randomBytes(16).toString('hex');
    const res = await api.call('POST', '/api/v1/orders', {
      token: user.accessToken,
      body: { items: [{ productId: product.id, quantity: 1 }], payment: { token: 'tok_visa' } },
      headers: { 'idempotency-key': randomUUID(), traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(res.status).toBe(202);
    expect((await api.settled(user.accessToken, res.body.id)).status).toBe('CONFIRMED');

    const handled = readFileSync(stack.services.payments?.proc.logFile ?? '', 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event handled"'))
      .map((line) => JSON.parse(line) as { traceId?: string; outcome: string });
    expect(handled.filter((line) => line.traceId === traceId).map((line) => line.outcome)).toContain('SUCCESS');
  });
});
