import type { Invoker } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { forwardHeaders, relay } from '../data/upstream.ts';
import { asCaller, noContent, type RouteContext, route } from './route.ts';

export const cartItemParams = z.strictObject({ productId: z.uuid() });
export const cartItemBody = z
  .strictObject({ quantity: z.number().int().min(0).max(99).meta({ description: '0 removes the item' }) })
  .meta({ id: 'CartItemSet' });
const cartSchema = z
  .object({
    items: z.array(z.object({ productId: z.uuid(), quantity: z.number().int(), unitPriceCents: z.number().int() })),
    totalCents: z.number().int(),
    currency: z.string(),
  })
  .meta({ id: 'Cart' });
const etagHeader = z.object({ etag: z.string() });
const ifMatch = z.object({ 'if-match': z.string().optional().meta({ description: 'ETag of the cart; stale → 412' }) });

export function cartRoutes(ctx: RouteContext, invoker: Invoker, cart: string): (router: Router) => void {
  const send = (
    method: 'GET' | 'PUT' | 'DELETE',
    path: string,
    input: { caller: Parameters<typeof asCaller>[0]; req: { get(n: string): string | undefined } },
    body?: unknown,
  ) => ({ method, path, headers: { ...forwardHeaders(input.req, ['if-match']), ...asCaller(input.caller) }, body });
  return (router) => {
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/cart',
      operationId: 'getCart',
      summary: "The caller's cart",
      tag: 'cart',
      access: 'user',
      responses: { 200: { description: 'the cart', schema: cartSchema, headers: etagHeader } },
      async handle(input) {
        await relay(invoker, cart, send('GET', 'cart', input), input.res);
      },
    });
    route(router, ctx, {
      method: 'put',
      path: '/api/v1/cart/items/{productId}',
      operationId: 'setCartItem',
      summary: 'Set the quantity of a product in the cart (0 removes it)',
      tag: 'cart',
      access: 'user',
      params: cartItemParams,
      body: cartItemBody,
      headers: ifMatch,
      errors: [404, 409, 412],
      responses: {
        200: {
          description: 'the cart',
          schema: cartSchema,
          headers: etagHeader,
          links: {
            placeOrder: {
              operationId: 'placeOrder',
              description: 'check the cart out',
              requestBody: { payment: { token: 'tok_visa' } },
            },
            removeCartItem: { operationId: 'removeCartItem', parameters: { productId: '$request.path.productId' } },
          },
        },
      },
      async handle(input) {
        const path = `cart/items/${input.params.productId}`;
        await relay(invoker, cart, send('PUT', path, input, input.body), input.res);
      },
    });
    route(router, ctx, {
      method: 'delete',
      path: '/api/v1/cart/items/{productId}',
      operationId: 'removeCartItem',
      summary: 'Remove a product from the cart',
      tag: 'cart',
      access: 'user',
      params: cartItemParams,
      headers: ifMatch,
      errors: [404, 412],
      responses: { 200: { description: 'the cart', schema: cartSchema, headers: etagHeader } },
      async handle(input) {
        const path = `cart/items/${input.params.productId}`;
        await relay(invoker, cart, send('DELETE', path, input), input.res);
      },
    });
    route(router, ctx, {
      method: 'delete',
      path: '/api/v1/cart',
      operationId: 'emptyCart',
      summary: 'Empty the cart',
      tag: 'cart',
      access: 'user',
      headers: ifMatch,
      errors: [412],
      responses: noContent,
      async handle(input) {
        await relay(invoker, cart, send('DELETE', 'cart', input), input.res);
      },
    });
  };
}
