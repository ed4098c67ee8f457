import { eventBatchRoute, type Logger, type Metrics } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { NotificationRepository } from '../domain/notification.ts';

const orderEvent = z.looseObject({ type: z.string().min(1), userId: z.string().min(1) });

/** Order events, delivered in batches, become the user's notifications, once per CloudEvent id. */
export function orderEventRoutes(
  repo: NotificationRepository,
  logger: Logger,
): (router: Router, metrics: Metrics) => void {
  return (router, metrics) =>
    eventBatchRoute(router, {
      path: '/events/orders',
      data: orderEvent,
      logger,
      metrics,
      async handleBatch(events) {
        await repo.recordAll(
          events.map(({ id, data }) => {
            // the payment token rides on order.created for payments only; users are not shown it again
            const { paymentToken: _paymentToken, ...shown } = data;
            return { eventId: id, userId: data.userId, type: data.type, data: shown };
          }),
        );
      },
    });
}
