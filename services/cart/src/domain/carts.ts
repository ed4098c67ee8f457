import { AppError } from '@shopstack/kit';
import { type CartStore, type CartView, NO_CART, type PriceList, type StoredCart } from './cart.ts';

export interface CartDeps {
  readonly store: CartStore;
  readonly prices: PriceList;
  readonly defaultCurrency: string;
  readonly maxLines: number;
}

export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

const stale = (): AppError =>
  new AppError(412, 'the cart was changed by another request', { detail: 'read the cart again and retry' });

function view(deps: CartDeps, cart: StoredCart): CartView {
  return {
    items: cart.items,
    totalCents: cart.items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    currency: cart.currency ?? deps.defaultCurrency,
  };
}

export async function getCart(deps: CartDeps, userId: string): Promise<Versioned<CartView>> {
  const { cart, etag } = await deps.store.load(userId);
  return { value: view(deps, cart), etag };
}

/**
 * Read-modify-write under the store's ETag. With If-Match the caller's version must be current;
 * without it a concurrent change is retried a few times before it is a 412.
 */
async function change(
  deps: CartDeps,
  userId: string,
  ifMatch: string | undefined,
  edit: (cart: StoredCart) => Promise<StoredCart>,
): Promise<Versioned<CartView>> {
  for (let attempt = 0; ; attempt++) {
    const { cart, etag } = await deps.store.load(userId);
    if (ifMatch !== undefined && ifMatch !== etag) throw stale();
    const next = await edit(cart);
    try {
      await deps.store.save(userId, next, etag);
    } catch (err) {
      if (ifMatch === undefined && attempt < 3 && err instanceof AppError && err.status === 412) continue;
      throw err;
    }
    return getCart(deps, userId);
  }
}

export function setQuantity(
  deps: CartDeps,
  input: { userId: string; productId: string; quantity: number; ifMatch: string | undefined },
): Promise<Versioned<CartView>> {
  return change(deps, input.userId, input.ifMatch, async (cart) => {
    const others = cart.items.filter((line) => line.productId !== input.productId);
    if (input.quantity === 0) return { items: others, currency: others.length ? cart.currency : null };
    const price = await deps.prices.price(input.productId);
    if (!price) throw AppError.notFound(`product ${input.productId} does not exist`);
    if (others.length && cart.currency && cart.currency !== price.currency) {
      throw new AppError(409, `the cart is in ${cart.currency}; this product is priced in ${price.currency}`);
    }
    if (others.length >= deps.maxLines) {
      throw new AppError(409, `a cart holds at most ${deps.maxLines} different products`);
    }
    const line = { productId: input.productId, quantity: input.quantity, unitPriceCents: price.priceCents };
    const items = cart.items.some((l) => l.productId === input.productId)
      ? cart.items.map((l) => (l.productId === input.productId ? line : l))
      : [...cart.items, line];
    return { items, currency: price.currency };
  });
}

export function removeItem(
  deps: CartDeps,
  input: { userId: string; productId: string; ifMatch: string | undefined },
): Promise<Versioned<CartView>> {
  return change(deps, input.userId, input.ifMatch, async (cart) => {
    if (!cart.items.some((line) => line.productId === input.productId)) {
      throw AppError.notFound(`product ${input.productId} is not in the cart`);
    }
    const items = cart.items.filter((line) => line.productId !== input.productId);
    return { items, currency: items.length ? cart.currency : null };
  });
}

export async function clearCart(deps: CartDeps, userId: string, ifMatch: string | undefined): Promise<void> {
  if (ifMatch !== undefined) {
    const { etag } = await deps.store.load(userId);
    if (etag !== ifMatch) throw stale();
    if (etag === NO_CART) return;
  }
  await deps.store.clear(userId, ifMatch);
}
