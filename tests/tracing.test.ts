import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../scripts/lib/proc.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

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
