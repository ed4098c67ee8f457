import type { Logger } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { applyPaymentEvent, type SagaDeps } from '../domain/payment-results.ts';

const cloudEvent = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  data: z.unknown(),
});
const paymentData = z.object({ type: z.string(), orderId: z.uuid() });

/** The payload of a CloudEvent; data may arrive as a JSON string when the publisher did not type it. */
export function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * Payment results from the `payments` topic (declarative subscription). A malformed event is dropped
 * (retrying cannot fix it); a failure answers non-2xx so Dapr retries and then dead-letters it.
 */
export function paymentEventRoutes(deps: SagaDeps, logger: Logger): (router: Router) => void {
  return (router) => {
    router.post('/events/payments', async (req, res) => {
      const envelope = cloudEvent.safeParse(req.body);
      const data = envelope.success ? paymentData.safeParse(dataOf(envelope.data.data)) : undefined;
      if (!envelope.success || !data?.success) {
        logger.warn({ body: req.body }, 'dropping a malformed payment event');
        res.json({ status: 'DROP' });
        return;
      }
      await applyPaymentEvent(deps, { id: envelope.data.id, ...data.data });
      res.json({ status: 'SUCCESS' });
    });
  };
}
