import { AppError } from '@shopstack/kit';
import type { Page, Product, ProductQuery, ProductRepository } from './product.ts';

export function listProducts(repo: ProductRepository, query: ProductQuery): Promise<Page<Product>> {
  return repo.list(query);
}

export async function getProduct(repo: ProductRepository, id: string): Promise<Product> {
  const product = await repo.get(id);
  if (!product) throw AppError.notFound(`product ${id} does not exist`);
  return product;
}
