import { AppError, type Invoker, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { relay } from '../data/upstream.ts';
import { asCaller, type Link, type RouteContext, route } from './route.ts';

export const orderIdParams = z.strictObject({ id: z.uuid() });
export const placeOrderBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ productId: z.uuid(), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'without items, the cart is checked out' }),
    payment: z.strictObject({
      token: z.enum(['tok_visa', 'tok_declined', 'tok_slow']).meta({
        description: 'test tokens of the simulated provider: succeeds, is declined, succeeds after a delay',
      }),
    }),
  })
  .meta({ id: 'PlaceOrder' });
export const orderListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
});
// HTTP already drops the whitespace around a header value
const idempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\w.:-]+$/);
const orderSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['PENDING', 'CONFIRMED', 'CANCELLED']),
    reason: z.enum(['out_of_stock', 'payment_declined', 'expired', 'customer']).optional(),
    items: z.array(z.object({ productId: z.uuid(), quantity: z.number().int(), unitPriceCents: z.number().int() })),
    totalCents: z.number().int(),
    currency: z.string(),
    payment: z.object({ status: z.string(), amountCents: z.number().int() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' });
const orderPage = z
  .object({ items: z.array(orderSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage' });

/** Where an order leads; `id` is the runtime expression of its id. */
function orderLinks(id: string): Record<string, Link> {
  return {
    getOrder: { operationId: 'getOrder', parameters: { id } },
    cancelOrder: { operationId: 'cancelOrder', parameters: { id } },
  };
}

export function orderRoutes(ctx: RouteContext, invoker: Invoker, orders: string): (router: Router) => void {
  return (router) => {
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/orders',
      operationId: 'placeOrder',
      summary: 'Place an order (checkout) from explicit items or the cart',
      tag: 'orders',
      access: 'user',
      body: placeOrderBody,
      headers: z.object({
        'idempotency-key': idempotencyKey.meta({ description: 'required; replays return the same order' }),
      }),
      errors: [422],
      responses: {
        202: {
          description: 'the order, PENDING (or CANCELLED when out of stock)',
          schema: orderSchema,
          links: orderLinks('$response.body#/id'),
        },
      },
      async handle({ body, caller, req, res }) {
        const key = req.get('idempotency-key');
        if (key === undefined) {
          throw AppError.badRequest('the Idempotency-Key header is required', [
            { path: 'Idempotency-Key', message: 'required' },
          ]);
        }
        const headers = {
          ...asCaller(caller),
          'idempotency-key': validate(idempotencyKey, key, 'Idempotency-Key header'),
        };
        await relay(invoker, orders, { method: 'POST', path: 'orders', headers, body }, res);
      },
    });
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/orders',
      operationId: 'listOrders',
      summary: "The caller's orders, newest first",
      tag: 'orders',
      access: 'user',
      query: orderListQuery,
      responses: {
        200: { description: 'a page of orders', schema: orderPage, links: orderLinks('$response.body#/items/0/id') },
      },
      async handle({ query, caller, res }) {
        const search = new URLSearchParams(
          Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
        );
        await relay(invoker, orders, { method: 'GET', path: `orders?${search}`, headers: asCaller(caller) }, res);
      },
    });
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/orders/{id}',
      operationId: 'getOrder',
      summary: 'One of the caller’s orders',
      tag: 'orders',
      access: 'user',
      params: orderIdParams,
      errors: [404],
      responses: { 200: { description: 'the order', schema: orderSchema, links: orderLinks('$request.path.id') } },
      async handle({ params, caller, res }) {
        await relay(invoker, orders, { method: 'GET', path: `orders/${params.id}`, headers: asCaller(caller) }, res);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/orders/{id}/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel an order: releases its stock, refunds a captured payment',
      tag: 'orders',
      access: 'user',
      params: orderIdParams,
      errors: [404],
      responses: { 202: { description: 'the cancelled order', schema: orderSchema } },
      async handle({ params, caller, res }) {
        const path = `orders/${params.id}/cancel`;
        await relay(invoker, orders, { method: 'POST', path, headers: asCaller(caller) }, res);
      },
    });
  };
}
