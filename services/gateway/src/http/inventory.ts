import type { Invoker } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { relay } from '../data/upstream.ts';
import { asCaller, type RouteContext, route } from './route.ts';

export const stockParams = z.strictObject({ productId: z.uuid() });
export const stockBody = z
  .strictObject({ onHand: z.number().int().min(0).max(1_000_000_000) })
  .meta({ id: 'StockSet' });
const stockSchema = z
  .object({
    productId: z.uuid(),
    onHand: z.number().int(),
    available: z.number().int(),
    reserved: z.number().int(),
    committed: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Stock' });

export function inventoryRoutes(ctx: RouteContext, invoker: Invoker, inventory: string): (router: Router) => void {
  return (router) => {
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/inventory/{productId}',
      operationId: 'getStock',
      summary: 'Stock of a product',
      tag: 'inventory',
      access: 'admin',
      params: stockParams,
      errors: [404],
      responses: { 200: { description: 'the stock', schema: stockSchema } },
      async handle({ params, caller, res }) {
        const path = `inventory/${params.productId}`;
        await relay(invoker, inventory, { method: 'GET', path, headers: asCaller(caller) }, res);
      },
    });
    route(router, ctx, {
      method: 'put',
      path: '/api/v1/inventory/{productId}',
      operationId: 'setStock',
      summary: 'Set the count on hand (not below what is reserved and committed)',
      tag: 'inventory',
      access: 'admin',
      params: stockParams,
      body: stockBody,
      errors: [404, 409],
      responses: {
        200: {
          description: 'the stock',
          schema: stockSchema,
          links: {
            getStock: { operationId: 'getStock', parameters: { productId: '$request.path.productId' } },
            placeOrder: {
              operationId: 'placeOrder',
              description: 'order one of the product just stocked',
              requestBody: {
                items: [{ productId: '$request.path.productId', quantity: 1 }],
                payment: { token: 'tok_visa' },
              },
            },
          },
        },
      },
      async handle({ params, body, caller, res }) {
        const path = `inventory/${params.productId}`;
        await relay(invoker, inventory, { method: 'PUT', path, headers: asCaller(caller), body }, res);
      },
    });
  };
}
