import { describe, expect, it } from 'vitest';
import { cancelOrder } from './cancel-order.ts';
import { fakeStore, inventory, pending } from './test-fakes.ts';

describe('cancelling an order', () => {
  it('a customer cancel releases the stock even when a payment has just committed it', async () => {
    const store = fakeStore(pending);
    const calls: string[] = [];
    const deps = { store, inventory: inventory(calls, true, false), now: () => new Date() };

    const cancelled = await cancelOrder(deps, pending.id, 'customer');

    expect(cancelled).toMatchObject({ status: 'CANCELLED', reason: 'customer' });
    expect(calls).toEqual([`release ${pending.id}`]);
    expect(store.events.map((e) => e.type)).toEqual(['order.cancelled']);
  });

  it('the expiry leaves an order whose stock a payment has just committed to that payment', async () => {
    const store = fakeStore(pending);
    const deps = { store, inventory: inventory([], true, false), now: () => new Date() };

    await expect(cancelOrder(deps, pending.id, 'expired')).rejects.toMatchObject({ status: 503 });
    expect(store.current().status).toBe('PENDING');
    expect(store.events).toEqual([]);
  });

  it('cancelling a cancelled order changes nothing', async () => {
    const store = fakeStore({ ...pending, status: 'CANCELLED', reason: 'out_of_stock' });
    const calls: string[] = [];
    await cancelOrder({ store, inventory: inventory(calls), now: () => new Date() }, pending.id, 'customer');
    expect(calls).toEqual([]);
    expect(store.events).toEqual([]);
  });
});
