import { AppError } from '@shopstack/kit';
import { type Change, mutate } from './mutate.ts';
import { changed, eventOf, type PaymentStatus } from './order.ts';
import type { Inventory, OrderStore } from './ports.ts';

export interface PaymentEvent {
  readonly id: string;
  readonly type: string;
  readonly orderId: string;
}

export interface SagaDeps {
  readonly store: OrderStore;
  readonly inventory: Inventory;
  readonly now: () => Date;
}

/** How far a payment has gone: a result delivered late (after a later one) never moves it back. */
const stageOf: Record<PaymentStatus, number> = { pending: 0, captured: 1, declined: 1, refunded: 2, voided: 2 };

const paymentStatusOf: Record<string, PaymentStatus | undefined> = {
  'payment.succeeded': 'captured',
  'payment.failed': 'declined',
  'payment.refunded': 'refunded',
  'payment.voided': 'voided',
};

/**
 * Step 5 of the saga: a captured payment commits the stock and confirms the order, a declined one
 * releases the stock and cancels it. Later payment changes (refunds) are recorded on the order.
 * A delivery already handled (same CloudEvent id), or a result the order is past already (pub/sub
 * delivers at least once, in no guaranteed order), changes nothing.
 */
export async function applyPaymentEvent(deps: SagaDeps, event: PaymentEvent): Promise<void> {
  const paymentStatus = paymentStatusOf[event.type];
  if (!paymentStatus) return;
  await mutate(deps.store, event.orderId, async ({ record }): Promise<Change | undefined> => {
    if (record.handledEvents.includes(event.id)) return undefined;
    const now = deps.now();
    const payment = record.payment && { ...record.payment, status: paymentStatus };
    if (record.status === 'PENDING' && paymentStatus === 'captured') {
      if (!(await deps.inventory.commit(record.id))) {
        // the stock was released by a cancellation that has not been stored yet; deliver again later
        throw new AppError(503, `order ${record.id} is being cancelled`);
      }
      const next = changed(record, { status: 'CONFIRMED', payment }, now, event.id);
      return { record: next, event: eventOf('order.confirmed', next) };
    }
    if (record.status === 'PENDING' && paymentStatus === 'declined') {
      if (!(await deps.inventory.release(record.id, true))) {
        throw new AppError(503, `order ${record.id} was committed without a captured payment`);
      }
      const next = changed(record, { status: 'CANCELLED', reason: 'payment_declined', payment }, now, event.id);
      return { record: next, event: eventOf('order.cancelled', next) };
    }
    if (!record.payment || stageOf[record.payment.status] >= stageOf[paymentStatus]) return undefined;
    const next = changed(record, { payment }, now, event.id);
    return { record: next, event: eventOf('order.updated', next) };
  });
}
