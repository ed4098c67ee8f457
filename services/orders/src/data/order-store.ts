import { AppError, outboxOperations, type StateStore } from '@shopstack/kit';
import type { OrderEvent, OrderRecord } from '../domain/order.ts';
import type { OrderStore, Page } from '../domain/ports.ts';

const keyOf = (id: string): string => `order-${id}`;

/** A conflicting write: an ETag mismatch, or (first write with an empty ETag) a key that exists. */
function isConflict(err: unknown): boolean {
  return err instanceof AppError && err.status === 412;
}

export function createOrderStore(state: StateStore): OrderStore {
  async function write(record: OrderRecord, event: OrderEvent, etag: string): Promise<boolean> {
    try {
      await state.transact(outboxOperations(keyOf(record.id), record, event, etag));
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  return {
    async get(id) {
      const entry = await state.get<OrderRecord>(keyOf(id));
      return entry && { record: entry.value, etag: entry.etag };
    },
    // an empty ETag with first-write concurrency inserts only
    create: (record, event) => write(record, event, ''),
    update: (record, etag, event) => write(record, event, etag),
    async listByUser(userId, limit, cursor): Promise<Page<OrderRecord>> {
      const answer = await state.query<OrderRecord>({
        filter: { EQ: { userId } },
        sort: [{ key: 'createdAt', order: 'DESC' }, { key: 'id' }],
        page: { limit, ...(cursor ? { token: cursor } : {}) },
      });
      const items = answer.results.map((r) => r.data);
      return { items, nextCursor: items.length === limit && answer.token ? answer.token : null };
    },
    async listOverdue(nowMs, limit) {
      // the query API formats numbers with %v (1.7e+12) and compares them as text, so the deadline is
      // checked here; the oldest deadlines come first (same-length digit strings sort as numbers)
      const answer = await state.query<OrderRecord>({
        filter: { EQ: { status: 'PENDING' } },
        sort: [{ key: 'deadlineMs' }],
        page: { limit },
      });
      return answer.results.map((r) => r.data).filter((order) => order.deadlineMs <= nowMs);
    },
  };
}
