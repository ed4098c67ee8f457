import type { Logger } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { NotificationRepository } from '../domain/notification.ts';

const cloudEvent = z.object({ id: z.string().min(1), data: z.unknown() });
const orderEvent = z.looseObject({ type: z.string().min(1), userId: z.string().min(1) });

function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Order events become the user's notifications, once per CloudEvent id. */
export function orderEventRoutes(repo: NotificationRepository, logger: Logger): (router: Router) => void {
  return (router) => {
    router.post('/events/orders', async (req, res) => {
      const envelope = cloudEvent.safeParse(req.body);
      const parsed = envelope.success ? orderEvent.safeParse(dataOf(envelope.data.data)) : undefined;
      if (!envelope.success || !parsed?.success) {
        logger.warn({ body: req.body }, 'dropping a malformed order event');
        res.json({ status: 'DROP' });
        return;
      }
      const { type, userId } = parsed.data;
      await repo.record({ eventId: envelope.data.id, userId, type, data: parsed.data });
      res.json({ status: 'SUCCESS' });
    });
  };
}
