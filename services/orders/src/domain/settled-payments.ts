import type { OrderRecord, PaymentStatus } from './order.ts';

/** How far a payment has gone: a late copy of an earlier result (the outbox's, after payments' direct report) never moves it back. */
export const stageOf: Record<PaymentStatus, number> = { pending: 0, captured: 1, declined: 1, refunded: 2, voided: 2 };

/**
 * What this process has seen stored: the payment stage of orders past PENDING. An order never returns to
 * PENDING and its payment only moves forward, so a result at or below the stage seen changes nothing and
 * needs no read of the order. Each result arrives twice (payments' direct report, then the outbox's
 * copy), so this spares the second one its state read. Another replica's memory may lag behind: that costs
 * a read, never a skipped change. Holds the latest `limit` orders.
 */
export interface SettledPayments {
  /** Whether a payment result at `status` is known to change nothing on the order. */
  covers(orderId: string, status: PaymentStatus): boolean;
  /** Notes an order as read or written. */
  saw(record: OrderRecord): void;
}

export function createSettledPayments(limit = 10_000): SettledPayments {
  const stages = new Map<string, number>();
  return {
    covers: (orderId, status) => (stages.get(orderId) ?? -1) >= stageOf[status],
    saw(record) {
      if (record.status === 'PENDING' || !record.payment) return;
      const stage = stageOf[record.payment.status];
      if ((stages.get(record.id) ?? -1) >= stage) return;
      stages.delete(record.id);
      stages.set(record.id, stage);
      if (stages.size > limit) stages.delete(stages.keys().next().value as string);
    },
  };
}
