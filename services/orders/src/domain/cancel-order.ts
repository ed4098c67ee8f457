import { AppError } from '@shopstack/kit';
import { type Change, mutate } from './mutate.ts';
import { type CancelReason, changed, eventOf, type OrderRecord } from './order.ts';
import type { SagaDeps } from './payment-results.ts';

/**
 * Cancels an order and gives its stock back. Before confirmation only the reservation is released
 * (never a sale a payment has just committed: the order is re-read instead); after confirmation the
 * sale is undone and payments refunds on the order.cancelled event.
 */
export async function cancelOrder(
  deps: SagaDeps,
  id: string,
  reason: CancelReason,
  allowed: (record: OrderRecord) => boolean = () => true,
): Promise<OrderRecord | undefined> {
  return mutate(deps.store, id, async ({ record }): Promise<Change | undefined> => {
    if (record.status === 'CANCELLED' || !allowed(record)) return undefined;
    const pending = record.status === 'PENDING';
    if (!(await deps.inventory.release(record.id, pending))) {
      throw new AppError(503, `order ${id} was confirmed meanwhile`, { detail: 'try again' });
    }
    const next = changed(record, { status: 'CANCELLED', reason }, deps.now());
    return { record: next, event: eventOf('order.cancelled', next) };
  });
}
