import { describe, expect, it } from 'vitest';
import type { OrderEvent, OrderRecord } from './order.ts';
import { applyPaymentEvent } from './payment-results.ts';
import type { Inventory, OrderStore } from './ports.ts';

function fakeStore(record: OrderRecord): OrderStore & { events: OrderEvent[]; current(): OrderRecord } {
  let stored = record;
  let etag = 1;
  const events: OrderEvent[] = [];
  return {
    events,
    current: () => stored,
    get: async (id) => (id === stored.id ? { record: stored, etag: String(etag) } : undefined),
    create: async () => false,
    async update(next, expected, event) {
      if (expected !== String(etag)) return false;
      stored = next;
      etag++;
      events.push(event);
      return true;
    },
    listByUser: async () => ({ items: [], nextCursor: null }),
    listOverdue: async () => [],
  };
}

const pending: OrderRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  userId: 'u',
  status: 'PENDING',
  items: [{ productId: 'p', quantity: 1, unitPriceCents: 100 }],
  totalCents: 100,
  currency: 'EUR',
  payment: { status: 'pending', amountCents: 100 },
  paymentToken: 'tok_visa',
  requestHash: 'h',
  deadlineMs: Date.now() + 60_000,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  handledEvents: [],
};

const inventory = (calls: string[], commits = true): Inventory => ({
  reserve: async () => 'reserved',
  commit: async (id) => {
    calls.push(`commit ${id}`);
    return commits;
  },
  release: async (id) => {
    calls.push(`release ${id}`);
    return true;
  },
});

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
    expect(calls).toEqual([`release ${pending.id}`]);
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
});
