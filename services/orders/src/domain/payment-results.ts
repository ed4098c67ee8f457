import { AppError } from '@shopstack/kit';
import { type Change, mutate } from './mutate.ts';
import { changed, eventOf, type PaymentStatus } from './order.ts';
import type { Inventory, OrderStore } from './ports.ts';
import { type SettledPayments, stageOf } from './settled-payments.ts';

export interface PaymentEvent {
  readonly id: string;
  readonly type: string;
  readonly orderId: string;
}

export interface SagaDeps {
  readonly store: OrderStore;
  readonly inventory: Inventory;
  readonly now: () => Date;
  /** Spares a copy of a result already applied its read of the order (absent: every copy reads). */
  readonly settled?: SettledPayments;
}

const paymentStatusOf: Record<string, PaymentStatus | undefined> = {
  'payment.succeeded': 'captured',
  'payment.failed': 'declined',
  'payment.refunded': 'refunded',
  'payment.voided': 'voided',
};

/**
 * Step 5 of the saga: a captured payment commits the stock and confirms the order, a declined one
 * releases the stock and cancels it. Later payment changes (refunds) are recorded on the order.
 * A delivery already handled (same CloudEvent id), or a result the order is past already (each result
 * comes twice: payments reports it directly, then its outbox delivers it), changes nothing.
 */
export async function applyPaymentEvent(deps: SagaDeps, event: PaymentEvent): Promise<void> {
  const paymentStatus = paymentStatusOf[event.type];
  if (!paymentStatus || deps.settled?.covers(event.orderId, paymentStatus)) return;
  const stored = await mutate(deps.store, event.orderId, async ({ record }): Promise<Change | undefined> => {
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
  if (stored) deps.settled?.saw(stored);
}
