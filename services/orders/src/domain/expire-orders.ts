import { cancelOrder } from './cancel-order.ts';
import type { SagaDeps } from './payment-results.ts';
import type { Lease } from './ports.ts';

const BATCH = 100;

/**
 * Step 6 of the saga: cancels unpaid orders past their deadline. Only the replica holding the lease
 * sweeps; a payment that lands meanwhile wins through the order's ETag and the sweep skips it.
 */
export async function expireOverdueOrders(deps: SagaDeps & { readonly lease: Lease }): Promise<number> {
  if (!(await deps.lease.acquire())) return 0;
  const nowMs = deps.now().getTime();
  const overdue = await deps.store.listOverdue(nowMs, BATCH);
  let expired = 0;
  for (const order of overdue) {
    const result = await cancelOrder(
      deps,
      order.id,
      'expired',
      (r) => r.status === 'PENDING' && r.deadlineMs <= nowMs,
    ).catch(() => undefined);
    if (result?.status === 'CANCELLED' && result.reason === 'expired') expired++;
  }
  return expired;
}
