import { AppError } from '@shopstack/kit';
import type { Page, Product, ProductFields, ProductQuery, ProductRepository, WriteOutcome } from './product.ts';

export function listProducts(repo: ProductRepository, query: ProductQuery): Promise<Page<Product>> {
  return repo.list(query);
}

export async function getProduct(repo: ProductRepository, id: string): Promise<Product> {
  const product = await repo.get(id);
  if (!product) throw AppError.notFound(`product ${id} does not exist`);
  return product;
}

function settle<T>(outcome: WriteOutcome<T>, id: string | undefined): T {
  switch (outcome.kind) {
    case 'done':
      return outcome.value;
    case 'stale':
      throw new AppError(412, 'the product was changed by another request', {
        detail: 'If-Match does not match the current version; read the product again',
      });
    case 'missing':
      throw AppError.notFound(`product ${id} does not exist`);
    case 'duplicate-sku':
      throw new AppError(409, 'a product with this SKU already exists', {
        errors: [{ path: 'sku', message: 'already used by another product' }],
      });
  }
}

export async function createProduct(repo: ProductRepository, fields: ProductFields): Promise<Product> {
  return settle(await repo.create(fields), undefined);
}

/** Optimistic locking: the caller says which version it changes; none at all is a 428. */
export async function updateProduct(
  repo: ProductRepository,
  id: string,
  expected: number | '*' | undefined,
  patch: Partial<ProductFields>,
): Promise<Product> {
  if (expected === undefined) {
    throw new AppError(428, 'If-Match is required', { detail: 'send the ETag of the product you read as If-Match' });
  }
  return settle(await repo.update(id, expected === '*' ? undefined : expected, patch), id);
}

export async function deleteProduct(
  repo: ProductRepository,
  id: string,
  expected: number | '*' | undefined,
): Promise<void> {
  settle(await repo.softDelete(id, expected === '*' ? undefined : expected), id);
}
