export type PaymentStatus = 'pending' | 'captured' | 'declined' | 'refunded' | 'voided';

/** One payment per order (the order id is its idempotency key at the provider). */
export interface PaymentRecord {
  readonly orderId: string;
  readonly userId: string;
  readonly status: PaymentStatus;
  readonly amountCents: number;
  readonly currency: string;
  readonly chargeId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** CloudEvent ids already applied, written together with their effect. */
  readonly handledEvents: readonly string[];
}

export type PaymentEventType =
  'payment.pending' | 'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.voided';

export interface PaymentEvent {
  readonly type: PaymentEventType;
  readonly orderId: string;
  readonly userId: string;
  readonly status: PaymentStatus;
  readonly amountCents: number;
  readonly currency: string;
  readonly chargeId: string | null;
  readonly at: string;
}

const eventTypes: Record<PaymentStatus, PaymentEventType> = {
  pending: 'payment.pending',
  captured: 'payment.succeeded',
  declined: 'payment.failed',
  refunded: 'payment.refunded',
  voided: 'payment.voided',
};

export function eventOf(record: PaymentRecord): PaymentEvent {
  const { orderId, userId, status, amountCents, currency, chargeId, updatedAt } = record;
  return { type: eventTypes[status], orderId, userId, status, amountCents, currency, chargeId, at: updatedAt };
}

export function changed(record: PaymentRecord, change: Partial<PaymentRecord>, eventId?: string): PaymentRecord {
  const handledEvents = eventId ? [...record.handledEvents, eventId].slice(-32) : record.handledEvents;
  return { ...record, ...change, updatedAt: new Date().toISOString(), handledEvents };
}
