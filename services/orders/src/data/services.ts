import { AppError, type Caller, callerHeaders, type Invoker } from '@shopstack/kit';
import type { Cart, Catalog, Inventory, PricedProduct, Reserved, StockLine } from '../domain/ports.ts';

function unavailable(app: string, status: number, body: string): AppError {
  return new AppError(503, `${app} is unavailable`, {
    detail: `the ${app} service did not answer`,
    cause: `${status} ${body}`,
  });
}

/** Catalog prices, reused for `cacheMs` (a checkout burst asks for the same products many times). */
export function createCatalog(invoker: Invoker, appId: string, cacheMs: number): Catalog {
  const cache = new Map<string, { at: number; value: Promise<PricedProduct | undefined> }>();
  async function fetchPrice(productId: string): Promise<PricedProduct | undefined> {
    const res = await invoker.invoke(appId, { method: 'GET', path: `products/${productId}` });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw unavailable(appId, res.status, res.body);
    const product = JSON.parse(res.body) as PricedProduct;
    return { priceCents: product.priceCents, currency: product.currency };
  }
  return {
    price(productId) {
      const hit = cache.get(productId);
      if (hit && Date.now() - hit.at < cacheMs) return hit.value;
      const value = fetchPrice(productId);
      cache.set(productId, { at: Date.now(), value });
      value.catch(() => cache.delete(productId));
      return value;
    },
  };
}

export function createInventory(invoker: Invoker, appId: string): Inventory {
  const call = (path: string, body?: unknown) => invoker.invoke(appId, { method: 'POST', path, body });
  return {
    async reserve(orderId, items): Promise<Reserved> {
      const res = await call(`reservations/${orderId}`, { items });
      if (res.status === 422) return { outcome: 'conflict', first: false };
      if (res.status !== 200) throw unavailable(appId, res.status, res.body);
      const { status, created } = JSON.parse(res.body) as { status: string; created?: boolean };
      const outcome =
        status === 'reserved' || status === 'committed' ? 'reserved' : status === 'released' ? 'released' : 'rejected';
      return { outcome, first: created === true };
    },
    async commit(orderId) {
      const res = await call(`reservations/${orderId}/commit`);
      if (res.status === 409) return false;
      if (res.status !== 200) throw unavailable(appId, res.status, res.body);
      return true;
    },
    async release(orderId, onlyReserved) {
      const res = await call(`reservations/${orderId}/release${onlyReserved ? '?only=reserved' : ''}`);
      if (res.status === 409) return false;
      if (res.status !== 200) throw unavailable(appId, res.status, res.body);
      return true;
    },
    async heldSince(before) {
      const query = new URLSearchParams({ before: before.toISOString(), limit: '100' });
      const res = await invoker.invoke(appId, { method: 'GET', path: `reservations/held?${query}` });
      if (res.status !== 200) throw unavailable(appId, res.status, res.body);
      return (JSON.parse(res.body) as { orderIds: string[] }).orderIds;
    },
  };
}

export function createCart(invoker: Invoker, appId: string): Cart {
  const as = (userId: string): Record<string, string> => callerHeaders({ id: userId, roles: [] } satisfies Caller);
  return {
    async items(userId) {
      const res = await invoker.invoke(appId, { method: 'GET', path: 'cart', headers: as(userId) });
      if (res.status !== 200) throw unavailable(appId, res.status, res.body);
      const cart = JSON.parse(res.body) as { items: StockLine[] };
      return cart.items.map(({ productId, quantity }) => ({ productId, quantity }));
    },
    async clear(userId) {
      const res = await invoker.invoke(appId, { method: 'DELETE', path: 'cart', headers: as(userId) });
      if (res.status >= 300 && res.status !== 404) throw unavailable(appId, res.status, res.body);
    },
  };
}
