import { AppError } from '@shopstack/kit';
import { type Change, mutate } from './mutate.ts';
import { type CancelReason, changed, eventOf, type OrderRecord } from './order.ts';
import type { SagaDeps } from './payment-results.ts';

/**
 * Cancels an order and gives its stock back. An expiry releases only the reservation (never a sale a
 * payment has just committed: it skips the order, which the payment confirms); a customer's cancel
 * also undoes a sale, and payments refunds a captured payment on the order.cancelled event.
 */
export async function cancelOrder(
  deps: SagaDeps,
  id: string,
  reason: CancelReason,
  allowed: (record: OrderRecord) => boolean = () => true,
): Promise<OrderRecord | undefined> {
  return mutate(deps.store, id, async ({ record }): Promise<Change | undefined> => {
    if (record.status === 'CANCELLED' || !allowed(record)) return undefined;
    // the expiry must not undo a sale a payment has just committed; a customer cancels either way
    const onlyReserved = record.status === 'PENDING' && reason !== 'customer';
    if (!(await deps.inventory.release(record.id, onlyReserved))) {
      throw new AppError(503, `order ${id} was confirmed meanwhile`, { detail: 'try again' });
    }
    const next = changed(record, { status: 'CANCELLED', reason }, deps.now());
    return { record: next, event: eventOf('order.cancelled', next) };
  });
}
