import { AppError, outboxOperations, type SidecarAddress, sidecarCall, type StateStore } from '@shopstack/kit';
import type { OrderEvent, OrderRecord } from '../domain/order.ts';
import type { OrderStore, Page } from '../domain/ports.ts';

const keyOf = (id: string): string => `order-${id}`;

/** A conflicting write: an ETag mismatch, or (first write with an empty ETag) a key that exists. */
function isConflict(err: unknown): boolean {
  return err instanceof AppError && err.status === 412;
}

interface QueryAnswer {
  results?: { key: string; data: OrderRecord; etag?: string }[];
  token?: string;
}

export function createOrderStore(state: StateStore, sidecar: SidecarAddress, storeName: string): OrderStore {
  async function query(body: object): Promise<QueryAnswer> {
    const res = await sidecarCall(`http://${sidecar.host}:${sidecar.httpPort}/v1.0-alpha1/state/${storeName}/query`, {
      method: 'POST',
      headers: { 'dapr-api-token': sidecar.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status < 200 || res.status >= 300) {
      throw new AppError(503, 'order query failed', { cause: `${res.status} ${res.body}` });
    }
    return res.status === 204 || res.body === '' ? {} : (JSON.parse(res.body) as QueryAnswer);
  }

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
      const answer = await query({
        filter: { EQ: { userId } },
        sort: [{ key: 'createdAt', order: 'DESC' }, { key: 'id' }],
        page: { limit, ...(cursor ? { token: cursor } : {}) },
      });
      const items = (answer.results ?? []).map((r) => r.data);
      return { items, nextCursor: items.length === limit && answer.token ? answer.token : null };
    },
    async listOverdue(nowMs, limit) {
      // the query API formats numbers with %v (1.7e+12) and compares them as text, so the deadline is
      // checked here; the oldest deadlines come first (same-length digit strings sort as numbers)
      const answer = await query({
        filter: { EQ: { status: 'PENDING' } },
        sort: [{ key: 'deadlineMs' }],
        page: { limit },
      });
      return (answer.results ?? []).map((r) => r.data).filter((order) => order.deadlineMs <= nowMs);
    },
  };
}
