export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type CancelReason = 'out_of_stock' | 'payment_declined' | 'expired' | 'customer';
export type PaymentStatus = 'pending' | 'captured' | 'declined' | 'refunded' | 'voided';

export interface OrderItem {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** The stored order. `handledEvents` dedupes event deliveries in the same write as their effect. */
export interface OrderRecord {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly reason?: CancelReason;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly payment: { readonly status: PaymentStatus; readonly amountCents: number } | null;
  readonly paymentToken: string;
  /** Hash of the creating request: the same Idempotency-Key with another body is a 422. */
  readonly requestHash: string;
  /** Epoch ms after which an unpaid order is cancelled. */
  readonly deadlineMs: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly handledEvents: readonly string[];
}

/** The order as the public API shows it. */
export interface Order {
  readonly id: string;
  readonly status: OrderStatus;
  readonly reason?: CancelReason;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly payment: { readonly status: PaymentStatus; readonly amountCents: number } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type OrderEventType = 'order.created' | 'order.confirmed' | 'order.cancelled' | 'order.updated';

/** What the outbox publishes for a state change (a projection of the record). */
export interface OrderEvent {
  readonly type: OrderEventType;
  readonly orderId: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly reason?: CancelReason;
  readonly totalCents: number;
  readonly currency: string;
  readonly payment: OrderRecord['payment'];
  /** Only on order.created: what payments charges. */
  readonly paymentToken?: string;
  readonly at: string;
}

export function toOrder(record: OrderRecord): Order {
  const { id, status, reason, items, totalCents, currency, payment, createdAt, updatedAt } = record;
  return { id, status, ...(reason ? { reason } : {}), items, totalCents, currency, payment, createdAt, updatedAt };
}

export function eventOf(type: OrderEventType, record: OrderRecord): OrderEvent {
  return {
    type,
    orderId: record.id,
    userId: record.userId,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    totalCents: record.totalCents,
    currency: record.currency,
    payment: record.payment,
    ...(type === 'order.created' ? { paymentToken: record.paymentToken } : {}),
    at: record.updatedAt,
  };
}

const HANDLED_KEPT = 32;

/** The record after a change, stamped with the time and, when an event caused it, that event's id. */
export function changed(record: OrderRecord, change: Partial<OrderRecord>, now: Date, eventId?: string): OrderRecord {
  const handledEvents = eventId ? [...record.handledEvents, eventId].slice(-HANDLED_KEPT) : record.handledEvents;
  return { ...record, ...change, updatedAt: now.toISOString(), handledEvents };
}
