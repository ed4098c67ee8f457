import { AppError } from '@shopstack/kit';
import { eventOf, type OrderItem, type OrderRecord } from './order.ts';
import { orderIdFor, requestHash } from './order-id.ts';
import type { Cart, Catalog, Inventory, OrderStore, StockLine } from './ports.ts';

export interface PlaceOrderDeps {
  readonly store: OrderStore;
  readonly catalog: Catalog;
  readonly inventory: Inventory;
  readonly cart: Cart;
  readonly paymentTokens: readonly string[];
  readonly deadlineMs: number;
  readonly now: () => Date;
}

export interface PlaceOrderRequest {
  readonly userId: string;
  readonly idempotencyKey: string;
  readonly items?: readonly StockLine[];
  readonly payment: { readonly token: string };
}

export interface Placed {
  readonly record: OrderRecord;
  /** false when the request replayed an order placed before. */
  readonly created: boolean;
}

const idempotencyConflict = (): AppError =>
  new AppError(422, 'this Idempotency-Key was used for another request', {
    detail: 'the same Idempotency-Key was sent with a different body; use a new key for a new order',
  });

/**
 * Checkout: price the items, reserve stock (keyed by order id), store the order PENDING — or
 * CANCELLED when out of stock — and emit its event in the same state transaction.
 */
export async function placeOrder(deps: PlaceOrderDeps, req: PlaceOrderRequest): Promise<Placed> {
  const hash = requestHash({ items: req.items, payment: req.payment });
  const id = orderIdFor(req.userId, req.idempotencyKey);
  const replay = await replayOf(deps.store, id, hash);
  if (replay) return { record: replay, created: false };
  if (!deps.paymentTokens.includes(req.payment.token)) {
    throw AppError.badRequest('unknown payment token', [
      { path: 'payment.token', message: 'not a known payment token' },
    ]);
  }
  const lines = req.items ?? (await deps.cart.items(req.userId));
  if (lines.length === 0)
    throw new AppError(422, 'the cart is empty', { detail: 'add items to the cart or send items' });
  const items = await price(deps.catalog, lines);
  const currency = items[0]?.currency ?? 'EUR';
  if (items.some((i) => i.currency !== currency))
    throw new AppError(422, 'all items of an order must share a currency');

  const outcome = await deps.inventory.reserve(id, lines);
  if (outcome === 'conflict') throw idempotencyConflict();
  const now = deps.now();
  const totalCents = items.reduce((sum, i) => sum + i.unitPriceCents * i.quantity, 0);
  const held = outcome === 'reserved';
  const record: OrderRecord = {
    id,
    userId: req.userId,
    status: held ? 'PENDING' : 'CANCELLED',
    ...(held ? {} : { reason: 'out_of_stock' as const }),
    items: items.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents,
    currency,
    payment: held ? { status: 'pending', amountCents: totalCents } : null,
    paymentToken: req.payment.token,
    requestHash: hash,
    deadlineMs: now.getTime() + deps.deadlineMs,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    handledEvents: [],
  };
  const created = await deps.store.create(record, eventOf(held ? 'order.created' : 'order.cancelled', record));
  if (!created) {
    const raced = await replayOf(deps.store, id, hash);
    if (!raced) throw new AppError(503, 'the order could not be stored', { detail: 'try again with the same key' });
    return { record: raced, created: false };
  }
  if (held && !req.items) await deps.cart.clear(req.userId);
  return { record, created: true };
}

async function replayOf(store: OrderStore, id: string, hash: string): Promise<OrderRecord | undefined> {
  const existing = await store.get(id);
  if (!existing) return undefined;
  if (existing.record.requestHash !== hash) throw idempotencyConflict();
  return existing.record;
}

async function price(catalog: Catalog, lines: readonly StockLine[]): Promise<(OrderItem & { currency: string })[]> {
  const prices = await Promise.all(lines.map((line) => catalog.price(line.productId)));
  const errors = lines.flatMap((line, i) =>
    prices[i] ? [] : [{ path: `items.${i}.productId`, message: `product ${line.productId} does not exist` }],
  );
  if (errors.length) throw new AppError(422, 'the order names products that do not exist', { errors });
  return lines.map((line, i) => {
    const p = prices[i] as NonNullable<(typeof prices)[number]>;
    return { ...line, unitPriceCents: p.priceCents, currency: p.currency };
  });
}
