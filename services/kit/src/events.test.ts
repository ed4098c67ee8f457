import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventBatchRoute, eventRoute } from './events.ts';
import { createApp } from './http.ts';
import { listen, type Listening } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { currentTraceContext } from './trace-context.ts';

const event = (id: string, data: unknown) => ({ specversion: '1.0', id, type: 'order.created', data });

describe('eventBatchRoute', () => {
  let server: Listening;
  let url: string;
  let batches: { id: string; data: { userId: string } }[][] = [];
  let failNext = false;

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger('test', 'silent'),
      metrics: createMetrics('test'),
      routes: (router, metrics) =>
        eventBatchRoute(router, {
          path: '/events/orders',
          data: z.object({ userId: z.string().min(1) }),
          logger: createLogger('test', 'silent'),
          metrics,
          async handleBatch(events) {
            if (failNext) {
              failNext = false;
              throw new Error('database unreachable');
            }
            batches.push([...events]);
          },
        }),
    });
    server = await listen(app, 0, '127.0.0.1');
    url = `http://127.0.0.1:${server.port}/events/orders`;
  });

  afterAll(async () => {
    await server?.close();
  });

  const post = async (body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('applies the valid events of a bulk delivery together and drops each malformed one alone', async () => {
    batches = [];
    const res = await post({
      id: 'bulk-1',
      type: 'com.dapr.event.sent.bulk',
      topic: 'orders',
      entries: [
        { entryId: 'a', event: event('e1', { userId: 'u1' }), contentType: 'application/cloudevents+json' },
        { entryId: 'b', event: event('e2', { userId: '' }) },
        { entryId: 'c', event: JSON.stringify(event('e3', JSON.stringify({ userId: 'u3' }))) },
        { entryId: 'd', event: { data: { userId: 'no id' } } },
      ],
    });
    expect(res).toEqual({
      status: 200,
      body: {
        statuses: [
          { entryId: 'a', status: 'SUCCESS' },
          { entryId: 'b', status: 'DROP' },
          { entryId: 'c', status: 'SUCCESS' },
          { entryId: 'd', status: 'DROP' },
        ],
      },
    });
    expect(batches).toEqual([
      [
        { id: 'e1', data: { userId: 'u1' } },
        { id: 'e3', data: { userId: 'u3' } },
      ],
    ]);
  });

  it('answers 500 when the batch cannot be applied, so that Dapr retries it whole', async () => {
    batches = [];
    failNext = true;
    const res = await post({ entries: [{ entryId: 'a', event: event('e1', { userId: 'u1' }) }] });
    expect(res.status).toBe(500);
    expect(batches).toEqual([]);
  });

  it('takes a lone CloudEvent (a subscription without batches) as a batch of one', async () => {
    batches = [];
    expect(await post(event('e9', { userId: 'u9' }))).toEqual({ status: 200, body: { status: 'SUCCESS' } });
    expect(await post(event('e10', { nope: 1 }))).toEqual({ status: 200, body: { status: 'DROP' } });
    expect(batches).toEqual([[{ id: 'e9', data: { userId: 'u9' } }]]);
  });

  it('drops a batch whose events are all malformed without calling the handler', async () => {
    batches = [];
    const res = await post({ entries: [{ entryId: 'x', event: 'not json' }] });
    expect(res.body).toEqual({ statuses: [{ entryId: 'x', status: 'DROP' }] });
    expect(batches).toEqual([]);
  });
});

describe('eventRoute', () => {
  let server: Listening;
  let url: string;
  const traceIds: (string | undefined)[] = [];

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger('test', 'silent'),
      metrics: createMetrics('test'),
      routes: (router) =>
        eventRoute(router, {
          path: '/events/orders',
          data: z.object({ userId: z.string() }),
          logger: createLogger('test', 'silent'),
          async handle() {
            traceIds.push(currentTraceContext()?.traceId);
          },
        }),
    });
    server = await listen(app, 0, '127.0.0.1');
    url = `http://127.0.0.1:${server.port}/events/orders`;
  });

  afterAll(async () => {
    await server?.close();
  });

  const deliver = async (body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', ...headers },
      body: JSON.stringify(body),
    });
    expect(await res.json()).toEqual({ status: 'SUCCESS' });
    return traceIds.at(-1);
  };
  const eventTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const headerTrace = '0af7651916cd43dd8448eb211c80319c';
  const header = { traceparent: `00-${headerTrace}-b7ad6b7169203331-00` };

  it("handles an event in the trace of its traceparent attribute (an outbox event's origin), over the header's", async () => {
    const traced = { ...event('t1', { userId: 'u1' }), traceparent: `00-${eventTrace}-00f067aa0ba902b7-00` };
    expect(await deliver(traced)).toBe(eventTrace);
    expect(await deliver(traced, header)).toBe(eventTrace);
  });

  it("keeps the delivery's trace when the attribute is absent or malformed", async () => {
    expect(await deliver(event('t2', { userId: 'u2' }), header)).toBe(headerTrace);
    expect(await deliver({ ...event('t3', { userId: 'u3' }), traceparent: 'not-a-trace' }, header)).toBe(headerTrace);
    expect(await deliver({ ...event('t4', { userId: 'u4' }), traceparent: 42 }, header)).toBe(headerTrace);
  });
});
