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
  /** Reservations this sweep released because no order holds them (an order write that never committed). */
  readonly orphansReleased: number;
}

/**
 * Orders stores an order only after reserving its stock, so a crash between the two leaves a reservation
 * no order will ever release. Once a reservation has been held for longer than any order may wait for its
 * payment (`orphanAfterMs`), an order that has it is settled or overdue; if there is none, nothing else
 * will give the units back, so the sweep releases them (only while still merely reserved).
 */
async function releaseOrphans(deps: SagaDeps, nowMs: number, orphanAfterMs: number): Promise<number> {
  // as with the cancellations, a failed call leaves the reservation to the next sweep
  const held = await deps.inventory.heldSince(new Date(nowMs - orphanAfterMs)).catch(() => []);
  let released = 0;
  for (const orderId of held) {
    const orphan = await deps.store.get(orderId).then(
      (stored) => !stored,
      () => false,
    );
    if (orphan && (await deps.inventory.release(orderId, true).catch(() => false))) released++;
  }
  return released;
}

/**
 * Step 6 of the saga: cancels unpaid orders past their deadline, and releases reservations that no order
 * holds. Only the replica holding the lease sweeps (undefined elsewhere); a payment that lands meanwhile
 * wins through the order's ETag and the sweep skips it.
 */
export async function expireOverdueOrders(
  deps: SagaDeps & { readonly lease: Lease; readonly orphanAfterMs: number },
  /** Whether this sweep also looks for orphaned reservations (the caller spaces those looks out). */
  withOrphans = true,
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
  const orphansReleased = withOrphans ? await releaseOrphans(deps, nowMs, deps.orphanAfterMs) : 0;
  return { expired, stuck, orphansReleased };
}
