import { AppError } from '@shopstack/kit';
import type { OrderEvent, OrderRecord } from './order.ts';
import type { OrderStore, Stored } from './ports.ts';

export interface Change {
  readonly record: OrderRecord;
  readonly event: OrderEvent;
}

const ATTEMPTS = 8;

/**
 * Read-decide-write with ETag concurrency: `decide` sees the current order and returns the change to
 * write (or nothing); when another writer got there first it runs again on the fresh order.
 */
export async function mutate(
  store: OrderStore,
  id: string,
  decide: (current: Stored) => Promise<Change | undefined>,
): Promise<OrderRecord | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await store.get(id);
    if (!current) return undefined;
    const change = await decide(current);
    if (!change) return current.record;
    if (await store.update(change.record, current.etag, change.event)) return change.record;
  }
  throw new AppError(503, `order ${id} is changing too often`, { detail: 'try again' });
}
