import type { Logger, Metrics } from '@shopstack/kit';
import type { Router } from 'express';
import { expireOverdueOrders, stuckMarginMs } from '../domain/expire-orders.ts';
import type { SagaDeps } from '../domain/payment-results.ts';
import type { Lease } from '../domain/ports.ts';

/**
 * The `order-expiry` cron binding calls this on every replica; the lease picks the one that sweeps. The
 * sweeping replica reports the orders stuck in PENDING past their deadline plus a margin, and when it
 * last swept (docs/operations.md, "Metrics"; the StuckOrders alert).
 */
export function expiryRoutes(
  deps: SagaDeps & { readonly lease: Lease; readonly orphanAfterMs: number },
  logger: Logger,
): (router: Router, metrics: Metrics) => void {
  let running = false;
  // the sweep runs every second, but a reservation becomes an orphan only after orphanAfterMs: inventory is
  // asked for them an eighth of that apart, not at every tick
  const orphanLookMs = deps.orphanAfterMs / 8;
  let orphansLookedAt = Number.NEGATIVE_INFINITY;
  return (router, metrics) => {
    const stuck = metrics.gauge(
      'shopstack_orders_stuck_pending',
      `PENDING orders past their payment deadline by over ${stuckMarginMs / 1000}s, as the last sweep found them (at most 100)`,
    );
    const swept = metrics.gauge(
      'shopstack_orders_expiry_sweep_timestamp_seconds',
      'When this replica last completed a sweep of unpaid orders (it holds the expiry lease)',
    );
    router.post('/order-expiry', async (_req, res) => {
      if (!running) {
        running = true;
        try {
          const nowMs = deps.now().getTime();
          const withOrphans = nowMs - orphansLookedAt >= orphanLookMs;
          const result = await expireOverdueOrders(deps, withOrphans);
          if (result && withOrphans) orphansLookedAt = nowMs;
          // a replica that does not hold the lease reports none: the one sweeping speaks for all
          stuck.set(result?.stuck ?? 0);
          if (result) swept.set(deps.now().getTime() / 1000);
          if (result?.expired) logger.info({ expired: result.expired }, 'unpaid orders expired');
          if (result?.orphansReleased) {
            logger.warn({ released: result.orphansReleased }, 'released reservations that no order holds');
          }
        } finally {
          running = false;
        }
      }
      res.json({});
    });
  };
}
