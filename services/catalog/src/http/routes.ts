import { callerFrom, requireRole, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from '../domain/catalog.ts';
import type { ProductRepository } from '../domain/product.ts';
import { etagOf, parseIfMatch } from './etag.ts';

export const listQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  category: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

const idSchema = z.object({ id: z.uuid() });

const fields = {
  sku: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
  category: z.string().trim().min(1).max(64),
};
const createSchema = z.strictObject({ ...fields, description: fields.description.default('') });
const patchSchema = z
  .strictObject(fields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

export function productRoutes(repo: ProductRepository): (router: Router) => void {
  return (router) => {
    router.get('/products', async (req, res) => {
      const query = validate(listQuerySchema, req.query, 'query');
      res.json(await listProducts(repo, query));
    });
    router.get('/products/:id', async (req, res) => {
      const { id } = validate(idSchema, req.params, 'product id');
      const product = await getProduct(repo, id);
      res.set('ETag', etagOf(product)).json(product);
    });
    router.post('/products', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      const product = await createProduct(repo, validate(createSchema, req.body, 'body'));
      res.status(201).set('ETag', etagOf(product)).location(`/api/v1/products/${product.id}`).json(product);
    });
    router.patch('/products/:id', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      const { id } = validate(idSchema, req.params, 'product id');
      const patch = validate(patchSchema, req.body, 'body');
      const product = await updateProduct(repo, id, parseIfMatch(req.get('if-match')), patch);
      res.set('ETag', etagOf(product)).json(product);
    });
    router.delete('/products/:id', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      const { id } = validate(idSchema, req.params, 'product id');
      await deleteProduct(repo, id, parseIfMatch(req.get('if-match')) ?? '*');
      res.status(204).end();
    });
  };
}
