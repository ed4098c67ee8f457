import type { InvokeRequest, Invoker, Logger } from '@shopstack/kit';
import { describe, expect, it } from 'vitest';
import type { PaymentEvent } from '../domain/payment.ts';
import { createOrderReporter } from './order-reporter.ts';

const event = (orderId: string): PaymentEvent => ({
  type: 'payment.succeeded',
  orderId,
  userId: 'u1',
  status: 'captured',
  amountCents: 100,
  currency: 'USD',
  chargeId: 'ch_1',
  at: '2026-12-01T00:00:00.000Z',
});

const quiet = { debug: () => undefined } as unknown as Logger;

describe('direct payment reports', () => {
  it("post the result to orders' subscription route as a CloudEvent", () => {
    const sent: { appId: string; req: InvokeRequest }[] = [];
    const invoker: Invoker = {
      invoke: async (appId, req) => {
        sent.push({ appId, req });
        return { status: 200, headers: { get: () => null }, body: '{"status":"SUCCESS"}' };
      },
    };
    createOrderReporter(invoker, 'orders', quiet)(event('o-1'));
    expect(sent).toMatchObject([
      {
        appId: 'orders',
        req: { method: 'POST', path: 'events/payments', body: { type: 'payment.succeeded', data: { orderId: 'o-1' } } },
      },
    ]);
  });

  it('shed load: beyond 8 reports in flight, a result is left to its outbox copy', async () => {
    const pending: (() => void)[] = [];
    const invoker: Invoker = {
      invoke: () =>
        new Promise((resolve) => pending.push(() => resolve({ status: 200, headers: { get: () => null }, body: '' }))),
    };
    const report = createOrderReporter(invoker, 'orders', quiet);
    for (let i = 0; i < 10; i++) report(event(`o-${i}`));
    expect(pending).toHaveLength(8);

    // once one answers, the next report goes out again
    pending.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    report(event('o-10'));
    expect(pending).toHaveLength(8);
  });
});
