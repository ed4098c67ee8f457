// Fakes for unit tests of the saga's pure logic (no Dapr, no HTTP).
import type { OrderEvent, OrderRecord } from './order.ts';
import type { Inventory, OrderStore } from './ports.ts';

export function fakeStore(
  record: OrderRecord,
): OrderStore & { events: OrderEvent[]; current(): OrderRecord; reads(): number } {
  let stored = record;
  let etag = 1;
  let reads = 0;
  const events: OrderEvent[] = [];
  return {
    events,
    current: () => stored,
    reads: () => reads,
    get: async (id) => {
      reads++;
      return id === stored.id ? { record: stored, etag: String(etag) } : undefined;
    },
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

export const pending: OrderRecord = {
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

export const inventory = (
  calls: string[],
  commits = true,
  releasesCommitted = true,
  held: readonly string[] = [],
): Inventory => ({
  heldSince: async (before) => {
    calls.push(`held since ${before.toISOString()}`);
    return held;
  },
  reserve: async () => ({ outcome: 'reserved', first: true }),
  commit: async (id) => {
    calls.push(`commit ${id}`);
    return commits;
  },
  release: async (id, onlyReserved) => {
    calls.push(`release ${id}${onlyReserved ? ' only reserved' : ''}`);
    return !onlyReserved || releasesCommitted;
  },
});
