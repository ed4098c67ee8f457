import { AppError, outboxOperations, type StateStore } from '@shopstack/kit';
import { eventOf, type PaymentRecord } from '../domain/payment.ts';
import type { PaymentStore } from '../domain/ports.ts';

const keyOf = (orderId: string): string => `payment-${orderId}`;

/** The record and its event (the outbox projection) in one state transaction (outboxOperations). */
export function createPaymentStore(state: StateStore): PaymentStore {
  async function write(record: PaymentRecord, etag: string): Promise<boolean> {
    const event = eventOf(record);
    try {
      await state.transact(outboxOperations(keyOf(record.orderId), record, event, etag));
      return true;
    } catch (err) {
      if (err instanceof AppError && err.status === 412) return false;
      throw err;
    }
  }
  return {
    async get(orderId) {
      const entry = await state.get<PaymentRecord>(keyOf(orderId));
      return entry && { record: entry.value, etag: entry.etag };
    },
    // an empty ETag with first-write concurrency inserts only
    create: (record) => write(record, ''),
    update: (record, etag) => write(record, etag),
  };
}
