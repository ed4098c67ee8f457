import type { Logger } from '@shopstack/kit';
import type { Router } from 'express';
import { expireOverdueOrders } from '../domain/expire-orders.ts';
import type { SagaDeps } from '../domain/payment-results.ts';
import type { Lease } from '../domain/ports.ts';

/** The `order-expiry` cron binding calls this on every replica; the lease picks the one that sweeps. */
export function expiryRoutes(deps: SagaDeps & { readonly lease: Lease }, logger: Logger): (router: Router) => void {
  let running = false;
  return (router) => {
    router.post('/order-expiry', async (_req, res) => {
      if (!running) {
        running = true;
        try {
          const expired = await expireOverdueOrders(deps);
          if (expired) logger.info({ expired }, 'unpaid orders expired');
        } finally {
          running = false;
        }
      }
      res.json({});
    });
  };
}
