import type { PaymentRecord } from './payment.ts';

export interface StoredPayment {
  readonly record: PaymentRecord;
  readonly etag: string;
}

/** Payments in the Dapr state store; every write publishes its event through the outbox. */
export interface PaymentStore {
  get(orderId: string): Promise<StoredPayment | undefined>;
  /** false when a payment for the order exists already. */
  create(record: PaymentRecord): Promise<boolean>;
  /** false when the payment changed since `etag` was read. */
  update(record: PaymentRecord, etag: string): Promise<boolean>;
}

export type ChargeStatus = 'pending' | 'succeeded' | 'declined' | 'voided' | 'refunded';

export interface Charge {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly amountCents: number;
  readonly status: ChargeStatus;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly token: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** The payment provider: every call is idempotent by key. */
export interface Provider {
  charge(req: ChargeRequest): Promise<Charge>;
  get(idempotencyKey: string): Promise<Charge | undefined>;
  /** Cancels a pending charge; a charge that already succeeded is returned unchanged. */
  void(idempotencyKey: string): Promise<Charge | undefined>;
  /**
   * Cancels the key before any charge is made with it: a later charge with the key answers `voided` and
   * takes no money. A charge made already is returned unchanged (pending or succeeded: compensate it).
   */
  block(req: Omit<ChargeRequest, 'token'>): Promise<Charge>;
  refund(idempotencyKey: string): Promise<Charge | undefined>;
}
