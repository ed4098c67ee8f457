import { AppError, type Invoker } from '@shopstack/kit';
import { z } from 'zod';
import type { PriceList } from '../domain/cart.ts';

const product = z.object({ priceCents: z.number().int(), currency: z.string() });

/** Prices from catalog through Dapr service invocation. */
export function createCatalogPrices(invoker: Invoker, catalogAppId: string): PriceList {
  return {
    async price(productId) {
      const res = await invoker.invoke(catalogAppId, { method: 'GET', path: `products/${productId}` });
      if (res.status === 404 && res.headers.get('content-type')?.includes('problem+json')) return undefined;
      if (res.status !== 200) throw new AppError(503, 'catalog is unavailable', { cause: `${res.status} ${res.body}` });
      return product.parse(JSON.parse(res.body));
    },
  };
}
