import { callerFrom, type Metrics, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { cancelOrder } from '../domain/cancel-order.ts';
import { toOrder } from '../domain/order.ts';
import { type PlaceOrderDeps, placeOrder } from '../domain/place-order.ts';
import { getOwnOrder, listOwnOrders } from '../domain/queries.ts';

export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8)
  .max(128)
  .regex(/^[\w.:-]+$/);

export const placeOrderBody = z.strictObject({
  items: z
    .array(z.strictObject({ productId: z.uuid(), quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100)
    .optional(),
  payment: z.strictObject({ token: z.string().min(1).max(64) }),
});

const idParams = z.object({ id: z.uuid() });
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
});

export function orderRoutes(deps: PlaceOrderDeps): (router: Router, metrics: Metrics) => void {
  return (router, metrics) => {
    const accepted = metrics.counter(
      'shopstack_orders_accepted_total',
      'Order placements answered (replays included), by the order status returned',
      ['status', 'reason'],
    );
    router.post('/orders', async (req, res) => {
      const caller = callerFrom(req);
      const idempotencyKey = validate(idempotencyKeySchema, req.get('idempotency-key'), 'Idempotency-Key header');
      const body = validate(placeOrderBody, req.body, 'body');
      const { record } = await placeOrder(deps, { userId: caller.id, idempotencyKey, ...body });
      accepted.inc({ status: record.status, reason: record.reason ?? '' });
      res.status(202).location(`/api/v1/orders/${record.id}`).json(toOrder(record));
    });
    router.get('/orders', async (req, res) => {
      const caller = callerFrom(req);
      const { limit, cursor } = validate(listQuery, req.query, 'query');
      res.json(await listOwnOrders(deps.store, caller.id, limit, cursor));
    });
    router.get('/orders/:id', async (req, res) => {
      const caller = callerFrom(req);
      const { id } = validate(idParams, req.params, 'path');
      res.json(await getOwnOrder(deps.store, caller.id, id));
    });
    router.post('/orders/:id/cancel', async (req, res) => {
      const caller = callerFrom(req);
      const { id } = validate(idParams, req.params, 'path');
      await getOwnOrder(deps.store, caller.id, id);
      const record = await cancelOrder(deps, id, 'customer');
      res.status(202).json(record && toOrder(record));
    });
  };
}
