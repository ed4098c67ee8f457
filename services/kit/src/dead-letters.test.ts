import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterRoutes } from './dead-letters.ts';
import { createApp } from './http.ts';
import { listen, type Listening } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';

describe('deadLetterRoutes', () => {
  let server: Listening;
  let base: string;

  beforeAll(async () => {
    const logger = createLogger('test', 'silent');
    const app = createApp({ logger, metrics: createMetrics('test'), routes: deadLetterRoutes(['orders'], logger) });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(() => server.close());

  const count = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('shopstack_deadletter_events_total{'));
    return line;
  };

  it('exposes the series at zero before any event, so an alert can tell none from unknown', async () => {
    expect(await count()).toBe('shopstack_deadletter_events_total{topic="orders-deadletter",service="test"} 0');
  });

  it('counts each dead-lettered event and acknowledges it, whatever its shape', async () => {
    for (const body of [{ id: 'e1', type: 'order.created', data: { email: 'a@example.com' } }, {}]) {
      const res = await fetch(`${base}/deadletters/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'SUCCESS' });
    }
    expect(await count()).toBe('shopstack_deadletter_events_total{topic="orders-deadletter",service="test"} 2');
  });

  it('has no route for a topic the service does not consume', async () => {
    const res = await fetch(`${base}/deadletters/payments`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
