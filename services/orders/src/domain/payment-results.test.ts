import { describe, expect, it } from 'vitest';
import { applyPaymentEvent } from './payment-results.ts';
import { fakeStore, inventory, pending } from './test-fakes.ts';

describe('payment results in the saga', () => {
  it('a captured payment confirms the order once, however often the event is delivered', async () => {
    const store = fakeStore(pending);
    const calls: string[] = [];
    const deps = { store, inventory: inventory(calls), now: () => new Date() };
    const event = { id: 'ce-1', type: 'payment.succeeded', orderId: pending.id };

    await applyPaymentEvent(deps, event);
    await applyPaymentEvent(deps, event);

    expect(store.current()).toMatchObject({ status: 'CONFIRMED', payment: { status: 'captured' } });
    expect(store.events.map((e) => e.type)).toEqual(['order.confirmed']);
    expect(calls).toEqual([`commit ${pending.id}`]);
  });

  it('a declined payment releases the stock and cancels the order as payment_declined', async () => {
    const store = fakeStore(pending);
    const calls: string[] = [];
    await applyPaymentEvent(
      { store, inventory: inventory(calls), now: () => new Date() },
      { id: 'ce-2', type: 'payment.failed', orderId: pending.id },
    );
    expect(store.current()).toMatchObject({ status: 'CANCELLED', reason: 'payment_declined' });
    expect(calls).toEqual([`release ${pending.id} only reserved`]);
  });

  it('when the stock was released by a cancellation in flight, the event is retried rather than confirmed', async () => {
    const store = fakeStore(pending);
    const deps = { store, inventory: inventory([], false), now: () => new Date() };
    await expect(
      applyPaymentEvent(deps, { id: 'ce-3', type: 'payment.succeeded', orderId: pending.id }),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(store.current().status).toBe('PENDING');
  });

  it('a capture delivered after the refund (out of order) leaves the payment refunded', async () => {
    const store = fakeStore(pending);
    const deps = { store, inventory: inventory([]), now: () => new Date() };
    await applyPaymentEvent(deps, { id: 'ce-1', type: 'payment.succeeded', orderId: pending.id });
    await applyPaymentEvent(deps, { id: 'ce-2', type: 'payment.refunded', orderId: pending.id });
    await applyPaymentEvent(deps, { id: 'ce-0', type: 'payment.succeeded', orderId: pending.id });

    expect(store.current()).toMatchObject({ status: 'CONFIRMED', payment: { status: 'refunded' } });
    expect(store.events.map((e) => e.type)).toEqual(['order.confirmed', 'order.updated']);
  });
});
