import { cancelOrder } from './cancel-order.ts';
import type { SagaDeps } from './payment-results.ts';
import type { Lease } from './ports.ts';

const BATCH = 100;

/** How long past its payment deadline an unpaid order may wait for the sweep before it counts as stuck. */
export const stuckMarginMs = 60_000;

export interface SweepResult {
  /** Orders this sweep cancelled. */
  readonly expired: number;
  /** PENDING orders found past their deadline plus `stuckMarginMs` (at most a batch): the sweep is failing them. */
  readonly stuck: number;
}

/**
 * Step 6 of the saga: cancels unpaid orders past their deadline. Only the replica holding the lease
 * sweeps (undefined elsewhere); a payment that lands meanwhile wins through the order's ETag and the
 * sweep skips it.
 */
export async function expireOverdueOrders(
  deps: SagaDeps & { readonly lease: Lease },
): Promise<SweepResult | undefined> {
  if (!(await deps.lease.acquire())) return undefined;
  const nowMs = deps.now().getTime();
  const overdue = await deps.store.listOverdue(nowMs, BATCH);
  const stuck = overdue.filter((order) => order.deadlineMs <= nowMs - stuckMarginMs).length;
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
  return { expired, stuck };
}
