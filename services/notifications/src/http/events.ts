import { eventRoute, type Logger, type Metrics } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { NotificationRepository } from '../domain/notification.ts';

const orderEvent = z.looseObject({ type: z.string().min(1), userId: z.string().min(1) });

/** Order events become the user's notifications, once per CloudEvent id. */
export function orderEventRoutes(
  repo: NotificationRepository,
  logger: Logger,
): (router: Router, metrics: Metrics) => void {
  return (router, metrics) =>
    eventRoute(router, {
      path: '/events/orders',
      data: orderEvent,
      logger,
      metrics,
      async handle({ id, data }) {
        // the payment token rides on order.created for payments only; users are not shown it again
        const { paymentToken: _paymentToken, ...shown } = data;
        await repo.record({ eventId: id, userId: data.userId, type: data.type, data: shown });
      },
    });
}
