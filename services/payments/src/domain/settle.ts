import { AppError } from '@shopstack/kit';
import { compensate, type PaymentDeps, statusOfCharge } from './charge-order.ts';
import { mutatePayment } from './mutate.ts';
import { changed, type PaymentRecord } from './payment.ts';

/**
 * A signed provider webhook settled a pending charge. The charge is read back from the provider
 * (the webhook only says which one changed); the payment moves only forward from `pending`.
 */
export async function settleCharge(deps: PaymentDeps, idempotencyKey: string): Promise<void> {
  const charge = await deps.provider.get(idempotencyKey);
  if (!charge) throw AppError.notFound(`the provider knows no charge ${idempotencyKey}`);
  await mutatePayment(deps.store, charge.orderId, async (current): Promise<PaymentRecord | undefined> => {
    // the payment record is written right after the charge; until then, let the provider retry
    if (!current) throw new AppError(409, `no payment for order ${charge.orderId} yet`);
    const { record } = current;
    if (record.status === 'voided') {
      if (charge.status === 'succeeded') await compensate(deps.provider, idempotencyKey);
      return undefined;
    }
    const status = statusOfCharge[charge.status];
    if (record.status !== 'pending' || status === 'pending') return undefined;
    return changed(record, { status });
  });
}
