import { AppError, type EventOutcome, eventRoute, type Logger, type Metrics } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { cancelPayment } from '../domain/cancel-payment.ts';
import { chargeOrder, type PaymentDeps } from '../domain/charge-order.ts';

const orderEvent = z.object({
  type: z.string(),
  orderId: z.uuid(),
  userId: z.string().min(1),
  totalCents: z.number().int().min(0),
  currency: z.string(),
  payment: z.object({ amountCents: z.number() }).nullable(),
  paymentToken: z.string().optional(),
});

/** Order events from the `orders` topic: order.created is charged, order.cancelled compensated. */
export function orderEventRoutes(deps: PaymentDeps, logger: Logger): (router: Router, metrics: Metrics) => void {
  return (router, metrics) =>
    eventRoute(router, {
      path: '/events/orders',
      data: orderEvent,
      logger,
      metrics,
      async handle({ id: eventId, data: event }): Promise<EventOutcome> {
        try {
          if (event.type === 'order.created' && event.paymentToken) {
            await chargeOrder(deps, { eventId, ...event, paymentToken: event.paymentToken });
          } else if (event.type === 'order.cancelled') {
            await cancelPayment(deps, { eventId, ...event, hadPayment: event.payment !== null });
          }
          return 'SUCCESS';
        } catch (err) {
          // a refusal (e.g. a token the provider does not know) will not change on retry: dead-letter it
          if (!(err instanceof AppError && err.status < 500)) throw err;
          logger.warn({ err, eventId }, 'dropping an order event the provider refused');
          return 'DROP';
        }
      },
    });
}
