import { AppError, validate } from '@shopstack/kit';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { ReservationRepository } from '../domain/reservation.ts';
import { commitStock, releaseStock, reserveStock } from '../domain/reservations.ts';

const params = z.object({ orderId: z.uuid() });
const releaseQuery = z.strictObject({ only: z.literal('reserved').optional() });
const heldQuery = z.strictObject({
  before: z.iso.datetime({ offset: true }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const reserveBody = z.strictObject({
  items: z
    .array(z.strictObject({ productId: z.uuid(), quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100),
});

/** Only the saga coordinator may hold stock; Dapr sets the caller's app id on invocations. */
function requireOrdersApp(req: Request, ordersAppId: string): void {
  if (req.get('dapr-caller-app-id') !== ordersAppId) {
    throw new AppError(403, 'only the orders service may change reservations');
  }
}

export function reservationRoutes(repo: ReservationRepository, ordersAppId: string): (router: Router) => void {
  return (router) => {
    // orders' expiry sweep: reservations held since before `before`, which it releases when no order has them
    router.get('/reservations/held', async (req, res) => {
      requireOrdersApp(req, ordersAppId);
      const { before, limit } = validate(heldQuery, req.query, 'query');
      res.json({ orderIds: await repo.heldSince(new Date(before), limit) });
    });
    router.post('/reservations/:orderId', async (req, res) => {
      requireOrdersApp(req, ordersAppId);
      const { orderId } = validate(params, req.params, 'path');
      const { items } = validate(reserveBody, req.body, 'body');
      res.json(await reserveStock(repo, orderId, items));
    });
    router.post('/reservations/:orderId/commit', async (req, res) => {
      requireOrdersApp(req, ordersAppId);
      const { orderId } = validate(params, req.params, 'path');
      res.json(await commitStock(repo, orderId));
    });
    router.post('/reservations/:orderId/release', async (req, res) => {
      requireOrdersApp(req, ordersAppId);
      const { orderId } = validate(params, req.params, 'path');
      const { only } = validate(releaseQuery, req.query, 'query');
      res.json(await releaseStock(repo, orderId, only === 'reserved'));
    });
  };
}
