export interface CartLine {
  readonly productId: string;
  readonly quantity: number;
  /** The catalog price when the line was last set. */
  readonly unitPriceCents: number;
}

/** A cart as stored; the currency is fixed by its first line. */
export interface StoredCart {
  readonly items: readonly CartLine[];
  readonly currency: string | null;
}

export interface CartView {
  readonly items: readonly CartLine[];
  readonly totalCents: number;
  readonly currency: string;
}

/** ETag of a cart that has never been saved (or was cleared). */
export const NO_CART = 'none';

export interface CartStore {
  /** The cart and the store's ETag for it (NO_CART when there is none). */
  load(userId: string): Promise<{ cart: StoredCart; etag: string }>;
  /** Saves only over `etag` (412 otherwise); NO_CART saves unconditionally. */
  save(userId: string, cart: StoredCart, etag: string): Promise<void>;
  clear(userId: string, etag: string | undefined): Promise<void>;
}

export interface PriceList {
  /** Current price of a live product; undefined when the catalog does not know it. */
  price(productId: string): Promise<{ priceCents: number; currency: string } | undefined>;
}

export const emptyCart: StoredCart = { items: [], currency: null };
