import { AppError, type Logger } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { cancelPayment } from '../domain/cancel-payment.ts';
import { chargeOrder, type PaymentDeps } from '../domain/charge-order.ts';

const cloudEvent = z.object({ id: z.string().min(1), data: z.unknown() });
const orderEvent = z.object({
  type: z.string(),
  orderId: z.uuid(),
  userId: z.string().min(1),
  totalCents: z.number().int().min(0),
  currency: z.string(),
  payment: z.object({ amountCents: z.number() }).nullable(),
  paymentToken: z.string().optional(),
});

function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * Order events from the `orders` topic: order.created is charged, order.cancelled compensated.
 * Malformed or refused events are dropped (Dapr moves them to the dead-letter topic); failures answer
 * non-2xx so Dapr retries, then dead-letters.
 */
export function orderEventRoutes(deps: PaymentDeps, logger: Logger): (router: Router) => void {
  return (router) => {
    router.post('/events/orders', async (req, res) => {
      const envelope = cloudEvent.safeParse(req.body);
      const parsed = envelope.success ? orderEvent.safeParse(dataOf(envelope.data.data)) : undefined;
      if (!envelope.success || !parsed?.success) {
        logger.warn({ body: req.body }, 'dropping a malformed order event');
        res.json({ status: 'DROP' });
        return;
      }
      const event = parsed.data;
      const eventId = envelope.data.id;
      try {
        if (event.type === 'order.created' && event.paymentToken) {
          await chargeOrder(deps, { eventId, ...event, paymentToken: event.paymentToken });
        } else if (event.type === 'order.cancelled') {
          await cancelPayment(deps, { eventId, ...event, hadPayment: event.payment !== null });
        }
      } catch (err) {
        // a refusal (e.g. a token the provider does not know) will not change on retry: dead-letter it
        if (!(err instanceof AppError && err.status < 500)) throw err;
        logger.warn({ err, eventId }, 'dropping an order event the provider refused');
        res.json({ status: 'DROP' });
        return;
      }
      res.json({ status: 'SUCCESS' });
    });
  };
}
