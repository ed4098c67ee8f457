import { api } from './api.ts';
import { user } from './session.ts';
import { createStore } from './store.ts';
import type { Cart, Product } from './types.ts';

/**
 * The cart: the API's cart once signed in; before that a guest cart of product ids and quantities in
 * localStorage (no secret in it), priced from the catalog and merged into the account's cart at sign-in.
 */
export interface CartLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

export interface CartView {
  readonly lines: readonly CartLine[];
  readonly totalCents: number;
  readonly currency: string;
}

const guestKey = 'shopstack.guestCart';
export const cart = createStore<CartView>({ lines: [], totalCents: 0, currency: 'USD' });

const products = new Map<string, Promise<Product>>();
/** A product from the catalog, fetched once per page load. */
export function product(id: string): Promise<Product> {
  let p = products.get(id);
  if (!p) {
    p = api<Product>('GET', `/products/${encodeURIComponent(id)}`);
    p.catch(() => products.delete(id));
    products.set(id, p);
  }
  return p;
}

function readGuest(): { productId: string; quantity: number }[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(guestKey) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (l): l is { productId: string; quantity: number } =>
        typeof l?.productId === 'string' && Number.isInteger(l?.quantity) && l.quantity > 0,
    );
  } catch {
    return [];
  }
}

function writeGuest(lines: readonly { productId: string; quantity: number }[]): void {
  localStorage.setItem(guestKey, JSON.stringify(lines.filter((l) => l.quantity > 0)));
}

function fromServer(c: Cart): CartView {
  return { lines: c.items, totalCents: c.totalCents, currency: c.currency };
}

async function priceGuest(): Promise<CartView> {
  const lines = await Promise.all(
    readGuest().map(async (l) => ({ ...l, product: await product(l.productId).catch(() => undefined) })),
  );
  // a product gone from the catalog leaves the cart
  const kept = lines.filter((l) => l.product);
  if (kept.length !== lines.length) writeGuest(kept);
  const priced = kept.map((l) => ({
    productId: l.productId,
    quantity: l.quantity,
    unitPriceCents: (l.product as Product).priceCents,
  }));
  return {
    lines: priced,
    totalCents: priced.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    currency: kept[0]?.product?.currency ?? 'USD',
  };
}

// cart operations run one after another, so that an older answer never replaces a newer one
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(op: () => Promise<T>): Promise<T> {
  const next = queue.then(op, op);
  queue = next.catch(() => undefined);
  return next;
}

export function loadCart(): Promise<void> {
  return serial(async () => {
    cart.set(user.get() ? fromServer(await api<Cart>('GET', '/cart')) : await priceGuest());
  });
}

/** Sets a line's quantity (0 removes it). */
export function setQuantity(productId: string, quantity: number): Promise<void> {
  return serial(() => writeQuantity(productId, quantity));
}

async function writeQuantity(productId: string, quantity: number): Promise<void> {
  if (user.get()) {
    const path = `/cart/items/${encodeURIComponent(productId)}`;
    const next =
      quantity === 0 ? await api<Cart>('DELETE', path) : await api<Cart>('PUT', path, { body: { quantity } });
    cart.set(fromServer(next));
    return;
  }
  const lines = readGuest().filter((l) => l.productId !== productId);
  if (quantity > 0) lines.push({ productId, quantity });
  writeGuest(lines);
  cart.set(await priceGuest());
}

export function addToCart(productId: string, quantity: number): Promise<void> {
  return serial(async () => {
    const current = cart.get().lines.find((l) => l.productId === productId)?.quantity ?? 0;
    await writeQuantity(productId, current + quantity);
  });
}

/** After sign-in: the guest cart's lines are added to the account's cart, then the guest cart is emptied. */
export function mergeGuestCart(): Promise<void> {
  return serial(mergeGuest);
}

async function mergeGuest(): Promise<void> {
  const guest = readGuest();
  let server = await api<Cart>('GET', '/cart');
  for (const line of guest) {
    const had = server.items.find((i) => i.productId === line.productId)?.quantity ?? 0;
    server = await api<Cart>('PUT', `/cart/items/${encodeURIComponent(line.productId)}`, {
      body: { quantity: had + line.quantity },
    });
    writeGuest(readGuest().filter((l) => l.productId !== line.productId));
  }
  cart.set(fromServer(server));
}

export function forgetCart(): void {
  cart.set({ lines: [], totalCents: 0, currency: 'USD' });
}
