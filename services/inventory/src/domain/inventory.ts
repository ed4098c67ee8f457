import { AppError } from '@shopstack/kit';
import type { ProductDirectory, Stock, StockRepository } from './stock.ts';

export interface InventoryDeps {
  readonly stock: StockRepository;
  readonly products: ProductDirectory;
}

export async function getStock(deps: InventoryDeps, productId: string): Promise<Stock> {
  const stock = await deps.stock.get(productId);
  if (!stock) throw AppError.notFound(`no stock is recorded for product ${productId}`);
  return stock;
}

/** Sets the count on hand; a product the catalog does not know is a 404, less than is held is a 409. */
export async function setOnHand(deps: InventoryDeps, productId: string, onHand: number): Promise<Stock> {
  const known = (await deps.stock.get(productId)) ?? (await deps.products.exists(productId));
  if (!known) throw AppError.notFound(`product ${productId} does not exist`);
  const stock = await deps.stock.setOnHand(productId, onHand);
  if (!stock) {
    throw new AppError(409, 'stock on hand cannot drop below what is reserved or committed', {
      errors: [{ path: 'onHand', message: 'less than the units reserved and committed for orders' }],
    });
  }
  return stock;
}
