import { type Invoker, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { relay } from '../data/upstream.ts';

export const productListQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  category: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(512).optional(),
});

export const productIdParams = z.object({ id: z.uuid() });

export function productRoutes(invoker: Invoker, catalogAppId: string): (router: Router) => void {
  return (router) => {
    router.get('/api/v1/products', async (req, res) => {
      const query = validate(productListQuery, req.query, 'query');
      const search = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
      );
      await relay(invoker, catalogAppId, { method: 'GET', path: `products?${search}` }, res);
    });
    router.get('/api/v1/products/:id', async (req, res) => {
      const { id } = validate(productIdParams, req.params, 'path');
      await relay(invoker, catalogAppId, { method: 'GET', path: `products/${id}` }, res);
    });
  };
}
