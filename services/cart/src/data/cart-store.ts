import type { StateStore } from '@shopstack/kit';
import { type CartStore, emptyCart, NO_CART, type StoredCart } from '../domain/cart.ts';

const key = (userId: string): string => `cart-${userId}`;

/** Carts in a Dapr state store, one key per user, with first-write-wins ETags. */
export function createCartStore(state: StateStore): CartStore {
  return {
    async load(userId) {
      const entry = await state.get<StoredCart>(key(userId));
      return entry ? { cart: entry.value, etag: entry.etag } : { cart: emptyCart, etag: NO_CART };
    },
    save: (userId, cart, etag) => state.save(key(userId), cart, etag === NO_CART ? undefined : etag),
    clear: (userId, etag) => state.delete(key(userId), etag === undefined || etag === NO_CART ? undefined : etag),
  };
}
