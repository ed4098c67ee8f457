import { validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { getProduct, listProducts } from '../domain/catalog.ts';
import type { ProductRepository } from '../domain/product.ts';

export const listQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  category: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

const idSchema = z.object({ id: z.uuid() });

export function productRoutes(repo: ProductRepository): (router: Router) => void {
  return (router) => {
    router.get('/products', async (req, res) => {
      const query = validate(listQuerySchema, req.query, 'query');
      res.json(await listProducts(repo, query));
    });
    router.get('/products/:id', async (req, res) => {
      const { id } = validate(idSchema, req.params, 'product id');
      const product = await getProduct(repo, id);
      res.set('ETag', `"${product.version}"`).json(product);
    });
  };
}
