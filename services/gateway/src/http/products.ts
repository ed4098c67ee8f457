import type { Invoker } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { ReadCache } from '../data/read-cache.ts';
import { forwardHeaders, relay, relayCached, relayWrite } from '../data/upstream.ts';
import { label, text } from './text.ts';
import { asCaller, type Link, noContent, type RouteContext, route } from './route.ts';

export const productListQuery = z.strictObject({
  q: label(200).optional(),
  category: label(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(512).optional(),
});

export const productIdParams = z.strictObject({ id: z.uuid() });

const fields = {
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (up to 64)'),
  name: label(200),
  description: text().max(4000),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  category: label(64),
};

export const productCreateBody = z
  .strictObject({ ...fields, description: fields.description.default('') })
  .meta({ id: 'ProductCreate' });

export const productPatchBody = z
  .strictObject(fields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change')
  .meta({ id: 'ProductPatch', minProperties: 1 });

export const productSchema = z
  .object({ id: z.uuid(), ...fields, version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Product' });

const pageSchema = z
  .object({ items: z.array(productSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ProductPage' });
const etagHeader = z.object({ etag: z.string().meta({ description: 'the product version, for If-Match' }) });
const ifMatch = z.object({
  'if-match': z.string().meta({ description: 'ETag from a previous read; required (428 without it)' }),
});

/** Where a product leads: its own operations, its stock, the cart. `pointer` locates its id in the response. */
function productLinks(pointer: string): Record<string, Link> {
  const id = `$response.body#${pointer}`;
  return {
    getProduct: { operationId: 'getProduct', parameters: { id } },
    updateProduct: { operationId: 'updateProduct', parameters: { id, 'if-match': '$response.header.ETag' } },
    deleteProduct: { operationId: 'deleteProduct', parameters: { id } },
    getStock: { operationId: 'getStock', parameters: { productId: id } },
    setStock: { operationId: 'setStock', parameters: { productId: id } },
    setCartItem: { operationId: 'setCartItem', parameters: { productId: id } },
  };
}

/**
 * Product reads are public and the busiest in a shop: `cache` answers them for a short while (see
 * PRODUCT_CACHE_MS), except full-text searches, which are as many as the words people type.
 */
export function productRoutes(
  ctx: RouteContext,
  invoker: Invoker,
  catalog: string,
  cache: ReadCache,
): (router: Router) => void {
  return (router) => {
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/products',
      operationId: 'listProducts',
      summary: 'List products, optionally searching full text (`q`) or by category',
      tag: 'catalog',
      access: 'public',
      query: productListQuery,
      responses: { 200: { description: 'a page of products', schema: pageSchema, links: productLinks('/items/0/id') } },
      async handle({ query, res }) {
        const search = new URLSearchParams(
          Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
        );
        const path = `products?${search}`;
        if (query.q !== undefined) await relay(invoker, catalog, { method: 'GET', path }, res);
        else await relayCached(invoker, catalog, { method: 'GET', path }, res, cache, path);
      },
    });
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/products/{id}',
      operationId: 'getProduct',
      summary: 'Get one product with its ETag',
      tag: 'catalog',
      access: 'public',
      params: productIdParams,
      errors: [404],
      responses: {
        200: {
          description: 'the product',
          schema: productSchema,
          headers: etagHeader,
          links: {
            updateProduct: {
              operationId: 'updateProduct',
              parameters: { id: '$request.path.id', 'if-match': '$response.header.ETag' },
            },
          },
        },
      },
      async handle({ params, res }) {
        const path = `products/${params.id}`;
        await relayCached(invoker, catalog, { method: 'GET', path }, res, cache, path);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/products',
      operationId: 'createProduct',
      summary: 'Create a product',
      tag: 'catalog',
      access: 'admin',
      body: productCreateBody,
      errors: [409],
      responses: {
        201: { description: 'the new product', schema: productSchema, headers: etagHeader, links: productLinks('/id') },
      },
      async handle({ body, caller, res }) {
        const headers = asCaller(caller);
        await relayWrite(invoker, catalog, { method: 'POST', path: 'products', headers, body }, res, cache);
      },
    });
    route(router, ctx, {
      method: 'patch',
      path: '/api/v1/products/{id}',
      operationId: 'updateProduct',
      summary: 'Change a product (optimistic locking with If-Match)',
      tag: 'catalog',
      access: 'admin',
      params: productIdParams,
      body: productPatchBody,
      headers: ifMatch,
      errors: [404, 409, 412, 428],
      responses: { 200: { description: 'the changed product', schema: productSchema, headers: etagHeader } },
      async handle({ params, body, caller, req, res }) {
        const headers = { ...forwardHeaders(req, ['if-match']), ...asCaller(caller) };
        await relayWrite(
          invoker,
          catalog,
          { method: 'PATCH', path: `products/${params.id}`, headers, body },
          res,
          cache,
        );
      },
    });
    route(router, ctx, {
      method: 'delete',
      path: '/api/v1/products/{id}',
      operationId: 'deleteProduct',
      summary: 'Delete a product (soft delete; If-Match optional)',
      tag: 'catalog',
      access: 'admin',
      params: productIdParams,
      errors: [404, 412],
      responses: noContent,
      async handle({ params, caller, req, res }) {
        const headers = { ...forwardHeaders(req, ['if-match']), ...asCaller(caller) };
        await relayWrite(invoker, catalog, { method: 'DELETE', path: `products/${params.id}`, headers }, res, cache);
      },
    });
  };
}
