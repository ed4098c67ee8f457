import { AppError } from '@shopstack/kit';
import type { PaymentRecord } from './payment.ts';
import type { PaymentStore, StoredPayment } from './ports.ts';

/** Read-decide-write with ETag concurrency; `decide` runs again when another writer got there first. */
export async function mutatePayment(
  store: PaymentStore,
  orderId: string,
  decide: (current: StoredPayment | undefined) => Promise<PaymentRecord | undefined>,
): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await store.get(orderId);
    const next = await decide(current);
    if (!next) return;
    const written = current ? await store.update(next, current.etag) : await store.create(next);
    if (written) return;
  }
  throw new AppError(503, `payment of order ${orderId} is changing too often`);
}
