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
 * redelivery, or a restart between the charge and its record, never charges twice.
 */
export async function chargeOrder(deps: PaymentDeps, order: OrderCreated): Promise<void> {
  const existing = await deps.store.get(order.orderId);
  if (existing) {
    if (existing.record.status === 'voided') await compensate(deps.provider, order.orderId);
    return;
  }
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
  // the order was cancelled while it was being charged
  const raced = await deps.store.get(order.orderId);
  if (raced?.record.status === 'voided') await compensate(deps.provider, order.orderId);
}
