import { eventRoute, type Logger, type Metrics } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { applyPaymentEvent, type SagaDeps } from '../domain/payment-results.ts';

const paymentData = z.object({ type: z.string(), orderId: z.uuid() });

/** Payment results from the `payments` topic (declarative subscription) settle their orders. */
export function paymentEventRoutes(deps: SagaDeps, logger: Logger): (router: Router, metrics: Metrics) => void {
  return (router, metrics) =>
    eventRoute(router, {
      path: '/events/payments',
      data: paymentData,
      logger,
      metrics,
      handle: ({ id, data }) => applyPaymentEvent(deps, { id, ...data }),
    });
}
