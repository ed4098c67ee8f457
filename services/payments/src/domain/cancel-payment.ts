import { compensate, type PaymentDeps, statusOfCharge } from './charge-order.ts';
import { mutatePayment } from './mutate.ts';
import { changed, type PaymentRecord } from './payment.ts';
import type { Charge } from './ports.ts';

export interface OrderCancelled {
  readonly eventId: string;
  readonly orderId: string;
  readonly userId: string;
  readonly totalCents: number;
  readonly currency: string;
  /** null when the order never asked for a payment (out of stock). */
  readonly hadPayment: boolean;
}

/**
 * Compensation: a cancelled order keeps no money. A captured payment is refunded, a pending one
 * voided; a cancellation that arrives before the charge leaves a `voided` record so that the charge
 * is never made.
 */
export async function cancelPayment(deps: PaymentDeps, order: OrderCancelled): Promise<void> {
  if (!order.hadPayment) return;
  await mutatePayment(deps.store, order.orderId, async (current): Promise<PaymentRecord | undefined> => {
    if (!current) {
      // no charge recorded yet: the provider refuses one from now on (one made already is compensated
      // by chargeOrder, which finds this voided record when it stores its own)
      await deps.provider.block({
        idempotencyKey: order.orderId,
        orderId: order.orderId,
        amountCents: order.totalCents,
        currency: order.currency,
      });
      const now = new Date().toISOString();
      return {
        orderId: order.orderId,
        userId: order.userId,
        status: 'voided',
        amountCents: order.totalCents,
        currency: order.currency,
        chargeId: null,
        createdAt: now,
        updatedAt: now,
        handledEvents: [order.eventId],
      };
    }
    const { record } = current;
    if (record.handledEvents.includes(order.eventId)) return undefined;
    if (record.status !== 'pending' && record.status !== 'captured') return undefined;
    await compensate(deps.provider, order.orderId);
    const charge: Charge | undefined = await deps.provider.get(order.orderId);
    const status = charge ? statusOfCharge[charge.status] : 'voided';
    return changed(record, { status }, order.eventId);
  });
}
