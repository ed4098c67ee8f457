import { describe, expect, it } from 'vitest';
import { expireOverdueOrders, stuckMarginMs } from './expire-orders.ts';
import { fakeStore, inventory, pending } from './test-fakes.ts';

const now = new Date('2026-12-06T12:00:00Z');
const overdue = (byMs: number) => ({ ...pending, deadlineMs: now.getTime() - byMs });
const lease = (held: boolean) => ({ acquire: async () => held });

describe('the expiry sweep', () => {
  it('cancels an order just past its deadline and does not count it as stuck', async () => {
    const order = overdue(1_000);
    const store = { ...fakeStore(order), listOverdue: async () => [order] };
    const result = await expireOverdueOrders({ store, inventory: inventory([]), now: () => now, lease: lease(true) });
    expect(result).toEqual({ expired: 1, stuck: 0 });
  });

  it('counts as stuck a PENDING order past its deadline by more than the margin, even if it cancels it now', async () => {
    const late = overdue(stuckMarginMs + 1_000);
    const store = { ...fakeStore(late), listOverdue: async () => [late, overdue(10)] };
    const result = await expireOverdueOrders({ store, inventory: inventory([]), now: () => now, lease: lease(true) });
    expect(result?.stuck).toBe(1);
  });

  it('reports nothing on a replica without the lease', async () => {
    const store = { ...fakeStore(pending), listOverdue: async () => [overdue(stuckMarginMs * 2)] };
    expect(
      await expireOverdueOrders({ store, inventory: inventory([]), now: () => now, lease: lease(false) }),
    ).toBeUndefined();
  });
});
