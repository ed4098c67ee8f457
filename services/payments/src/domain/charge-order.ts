import type { PaymentRecord, PaymentStatus } from './payment.ts';
import type { ChargeStatus, PaymentStore, Provider } from './ports.ts';

export interface PaymentDeps {
  readonly store: PaymentStore;
  readonly provider: Provider;
}

export interface OrderCreated {
  readonly eventId: string;
  readonly orderId: string;
  readonly userId: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly paymentToken: string;
}

export const statusOfCharge: Record<ChargeStatus, PaymentStatus> = {
  pending: 'pending',
  succeeded: 'captured',
  declined: 'declined',
  voided: 'voided',
  refunded: 'refunded',
};

/** Makes sure the provider keeps no money for an order that was cancelled. */
export async function compensate(provider: Provider, idempotencyKey: string): Promise<void> {
  const charge = await provider.void(idempotencyKey);
  if (charge?.status === 'succeeded') await provider.refund(idempotencyKey);
}

/**
 * Step 4 of the saga: charge the order once. The order id is the provider's idempotency key, so a
 * redelivery, or a restart between the charge and its record, never charges twice. A new order has no
 * payment record, so the record is read only when creating it fails: a redelivery, or a cancellation
 * that came first (it blocked the key at the provider, so this charge answered `voided`).
 */
export async function chargeOrder(deps: PaymentDeps, order: OrderCreated): Promise<void> {
  const charge = await deps.provider.charge({
    idempotencyKey: order.orderId,
    orderId: order.orderId,
    token: order.paymentToken,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  const now = new Date().toISOString();
  const record: PaymentRecord = {
    orderId: order.orderId,
    userId: order.userId,
    status: statusOfCharge[charge.status],
    amountCents: order.totalCents,
    currency: order.currency,
    chargeId: charge.id,
    createdAt: now,
    updatedAt: now,
    handledEvents: [order.eventId],
  };
  if (await deps.store.create(record)) return;
  // the order was cancelled before or while it was being charged
  const existing = await deps.store.get(order.orderId);
  if (existing?.record.status === 'voided') await compensate(deps.provider, order.orderId);
}
