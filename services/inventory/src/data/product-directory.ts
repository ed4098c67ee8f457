import { AppError, type Invoker } from '@shopstack/kit';
import type { ProductDirectory } from '../domain/stock.ts';

/** Asks catalog, through Dapr, whether a live product exists. */
export function createProductDirectory(invoker: Invoker, catalogAppId: string): ProductDirectory {
  return {
    async exists(productId) {
      const res = await invoker.invoke(catalogAppId, { method: 'GET', path: `products/${productId}` });
      if (res.status === 200) return true;
      if (res.status === 404 && res.headers.get('content-type')?.includes('problem+json')) return false;
      throw new AppError(503, 'catalog is unavailable', { cause: `${res.status} ${res.body}` });
    },
  };
}
