import { AppError } from '@shopstack/kit';
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from './order.ts';
import { type PlaceOrderDeps, placeOrder } from './place-order.ts';
import type { Cart, Catalog, Inventory, OrderStore, StockLine } from './ports.ts';

const product = '00000000-0000-4000-8000-0000000000aa';

/** A shop of fakes: a store that counts its reads, inventory keyed by order id like reserve_stock. */
function shop() {
  const orders = new Map<string, OrderRecord>();
  const reservations = new Map<string, readonly StockLine[]>();
  const counts = { reads: 0, creates: 0, cartReads: 0 };
  let cart: readonly StockLine[] = [{ productId: product, quantity: 1 }];
  let listed = true;
  const store: OrderStore = {
    get: async (id) => {
      counts.reads++;
      const record = orders.get(id);
      return record && { record, etag: '1' };
    },
    create: async (record) => {
      counts.creates++;
      if (orders.has(record.id)) return false;
      orders.set(record.id, record);
      return true;
    },
    update: async () => false,
    listByUser: async () => ({ items: [], nextCursor: null }),
    listOverdue: async () => [],
  };
  const inventory: Inventory = {
    reserve: async (orderId, items) => {
      const held = reservations.get(orderId);
      if (held)
        return { outcome: JSON.stringify(held) === JSON.stringify(items) ? 'reserved' : 'conflict', first: false };
      reservations.set(orderId, items);
      return { outcome: 'reserved', first: true };
    },
    commit: async () => true,
    release: async () => true,
    heldSince: async () => [],
  };
  const catalog: Catalog = { price: async () => (listed ? { priceCents: 250, currency: 'EUR' } : undefined) };
  const carts: Cart = {
    items: async () => {
      counts.cartReads++;
      return cart;
    },
    clear: async () => {
      cart = [];
    },
  };
  const deps: PlaceOrderDeps = {
    store,
    catalog,
    inventory,
    cart: carts,
    paymentTokens: ['tok_visa', 'tok_declined'],
    deadlineMs: 60_000,
    now: () => new Date('2026-12-01T12:00:00Z'),
  };
  return { deps, counts, delist: () => (listed = false) };
}

const request = (token = 'tok_visa', items: StockLine[] | null = [{ productId: product, quantity: 1 }]) => ({
  userId: 'user-1',
  idempotencyKey: 'key-1',
  ...(items ? { items } : {}),
  payment: { token },
});

describe('placeOrder', () => {
  it('a new order reads nothing from the store: its reservation is the first for the order', async () => {
    const { deps, counts } = shop();
    const placed = await placeOrder(deps, request());
    expect(placed.created).toBe(true);
    expect(placed.record.status).toBe('PENDING');
    expect(counts).toMatchObject({ reads: 0, creates: 1 });
  });

  it('a replay finds the reservation held, reads the stored order and answers with it', async () => {
    const { deps, counts } = shop();
    const first = await placeOrder(deps, request());
    const again = await placeOrder(deps, request());
    expect(again).toEqual({ record: first.record, created: false });
    expect(counts).toMatchObject({ reads: 1, creates: 1 });
  });

  it('the same key with another body is a 422, for other items and for another payment token', async () => {
    const { deps } = shop();
    await placeOrder(deps, request());
    await expect(placeOrder(deps, request('tok_declined'))).rejects.toMatchObject({ status: 422 });
    await expect(placeOrder(deps, request('tok_visa', [{ productId: product, quantity: 2 }]))).rejects.toMatchObject({
      status: 422,
    });
    await expect(placeOrder(deps, request('tok_unknown'))).rejects.toMatchObject({ status: 422 });
  });

  it('a replay answers with the stored order even when the product has left the catalog since', async () => {
    const { deps, delist } = shop();
    const first = await placeOrder(deps, request());
    delist();
    expect((await placeOrder(deps, request())).record).toEqual(first.record);
    const other = placeOrder(deps, { ...request(), idempotencyKey: 'key-2' });
    await expect(other).rejects.toBeInstanceOf(AppError);
    await expect(other).rejects.toMatchObject({ status: 422 });
  });

  it('a checkout from the cart looks for a replay before reading the cart, which the order emptied', async () => {
    const { deps, counts } = shop();
    const first = await placeOrder(deps, request('tok_visa', null));
    expect(first.created).toBe(true);
    expect(counts.cartReads).toBe(1);
    const again = await placeOrder(deps, request('tok_visa', null));
    expect(again).toEqual({ record: first.record, created: false });
    expect(counts.cartReads).toBe(1);
  });
});
