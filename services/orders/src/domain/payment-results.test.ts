import { describe, expect, it } from 'vitest';
import { applyPaymentEvent } from './payment-results.ts';
import { createSettledPayments } from './settled-payments.ts';
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

  it('a late copy of the capture, arriving after the refund, leaves the payment refunded', async () => {
    const store = fakeStore(pending);
    const deps = { store, inventory: inventory([]), now: () => new Date() };
    await applyPaymentEvent(deps, { id: 'direct-1', type: 'payment.succeeded', orderId: pending.id });
    await applyPaymentEvent(deps, { id: 'direct-2', type: 'payment.refunded', orderId: pending.id });
    await applyPaymentEvent(deps, { id: 'ce-1', type: 'payment.succeeded', orderId: pending.id });

    expect(store.current()).toMatchObject({ status: 'CONFIRMED', payment: { status: 'refunded' } });
    expect(store.events.map((e) => e.type)).toEqual(['order.confirmed', 'order.updated']);
  });

  it('a copy of a result already applied reads nothing, and a later result still reads and applies', async () => {
    const store = fakeStore(pending);
    const calls: string[] = [];
    const deps = { store, inventory: inventory(calls), now: () => new Date(), settled: createSettledPayments() };
    await applyPaymentEvent(deps, { id: 'direct-1', type: 'payment.succeeded', orderId: pending.id });
    const readsAfterReport = store.reads();
    await applyPaymentEvent(deps, { id: 'ce-1', type: 'payment.succeeded', orderId: pending.id });
    await applyPaymentEvent(deps, { id: 'ce-2', type: 'payment.failed', orderId: pending.id });
    expect(store.reads()).toBe(readsAfterReport);

    await applyPaymentEvent(deps, { id: 'direct-2', type: 'payment.refunded', orderId: pending.id });
    expect(store.reads()).toBeGreaterThan(readsAfterReport);
    expect(store.current()).toMatchObject({ status: 'CONFIRMED', payment: { status: 'refunded' } });
    expect(store.events.map((e) => e.type)).toEqual(['order.confirmed', 'order.updated']);
    expect(calls).toEqual([`commit ${pending.id}`]);
  });

  it('remembers only orders past PENDING, and only the latest ones up to its limit', () => {
    const settled = createSettledPayments(2);
    settled.saw(pending);
    expect(settled.covers(pending.id, 'pending')).toBe(false);
    const confirmed = (id: string) => ({
      ...pending,
      id,
      status: 'CONFIRMED' as const,
      payment: { status: 'captured' as const, amountCents: 100 },
    });
    for (const id of ['a', 'b', 'c']) settled.saw(confirmed(id));
    expect(['a', 'b', 'c'].map((id) => settled.covers(id, 'captured'))).toEqual([false, true, true]);
    expect(settled.covers('c', 'refunded')).toBe(false);
  });
});
