import { AppError } from '@shopstack/kit';
import { type Order, toOrder } from './order.ts';
import type { OrderStore, Page } from './ports.ts';

/** The caller's order; another user's order is indistinguishable from a missing one. */
export async function getOwnOrder(store: OrderStore, userId: string, id: string): Promise<Order> {
  const stored = await store.get(id);
  if (!stored || stored.record.userId !== userId) throw AppError.notFound(`order ${id} does not exist`);
  return toOrder(stored.record);
}

export async function listOwnOrders(
  store: OrderStore,
  userId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Order>> {
  const page = await store.listByUser(userId, limit, cursor);
  return { items: page.items.map(toOrder), nextCursor: page.nextCursor };
}
