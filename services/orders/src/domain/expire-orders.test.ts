import { describe, expect, it } from 'vitest';
import { expireOverdueOrders, stuckMarginMs } from './expire-orders.ts';
import type { Inventory, OrderStore } from './ports.ts';
import { fakeStore, inventory, pending } from './test-fakes.ts';

const now = new Date('2026-12-06T12:00:00Z');
const overdue = (byMs: number) => ({ ...pending, deadlineMs: now.getTime() - byMs });
const lease = (held: boolean) => ({ acquire: async () => held });
const orphanAfterMs = 16 * 60_000;
const deps = (store: OrderStore, inv: Inventory) => ({ store, inventory: inv, now: () => now, orphanAfterMs });

describe('the expiry sweep', () => {
  it('cancels an order just past its deadline and does not count it as stuck', async () => {
    const order = overdue(1_000);
    const store = { ...fakeStore(order), listOverdue: async () => [order] };
    const result = await expireOverdueOrders({ ...deps(store, inventory([])), lease: lease(true) });
    expect(result).toEqual({ expired: 1, stuck: 0, orphansReleased: 0 });
  });

  it('counts as stuck a PENDING order past its deadline by more than the margin, even if it cancels it now', async () => {
    const late = overdue(stuckMarginMs + 1_000);
    const store = { ...fakeStore(late), listOverdue: async () => [late, overdue(10)] };
    const result = await expireOverdueOrders({ ...deps(store, inventory([])), lease: lease(true) });
    expect(result?.stuck).toBe(1);
  });

  it('reports nothing on a replica without the lease', async () => {
    const store = { ...fakeStore(pending), listOverdue: async () => [overdue(stuckMarginMs * 2)] };
    expect(await expireOverdueOrders({ ...deps(store, inventory([])), lease: lease(false) })).toBeUndefined();
  });

  it('releases, only while merely reserved, a reservation held for longer than orphanAfterMs by no order', async () => {
    // GIVEN inventory holds stock for two old order ids, and only the first has an order
    const calls: string[] = [];
    const store = { ...fakeStore({ ...pending, id: 'has-order' }), listOverdue: async () => [] };

    // WHEN the sweep runs
    const result = await expireOverdueOrders({
      ...deps(store, inventory(calls, true, true, ['has-order', 'no-order'])),
      lease: lease(true),
    });

    // THEN it asked for reservations held since before orphanAfterMs ago, and released the orphan only
    const since = new Date(now.getTime() - orphanAfterMs).toISOString();
    expect(calls).toEqual([`held since ${since}`, 'release no-order only reserved']);
    expect(result?.orphansReleased).toBe(1);
  });

  it('leaves the orphans to the next sweep when inventory does not answer', async () => {
    const failing = { ...inventory([]), heldSince: () => Promise.reject(new Error('inventory is unavailable')) };
    const store = { ...fakeStore(pending), listOverdue: async () => [] };
    const result = await expireOverdueOrders({ ...deps(store, failing), lease: lease(true) });
    expect(result).toEqual({ expired: 0, stuck: 0, orphansReleased: 0 });
  });
});
