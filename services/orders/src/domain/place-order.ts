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
 *
 * A replay (same user and Idempotency-Key) answers with the stored order. Orders are stored only after
 * their stock is reserved, so the stored order is looked up only when the reservation existed already,
 * when the cart is the source (it is empty once the order is placed) or when checks before the
 * reservation refuse the request (the shop may have changed since the first request).
 */
export async function placeOrder(deps: PlaceOrderDeps, req: PlaceOrderRequest): Promise<Placed> {
  const hash = requestHash({ items: req.items, payment: req.payment });
  const id = orderIdFor(req.userId, req.idempotencyKey);
  const replayed = async (): Promise<Placed | undefined> => {
    const record = await replayOf(deps.store, id, hash);
    return record && { record, created: false };
  };
  if (!req.items) {
    const replay = await replayed();
    if (replay) return replay;
  }
  let checked: Checked;
  try {
    checked = await check(deps, req);
  } catch (err) {
    const replay = req.items && (await replayed());
    if (replay) return replay;
    throw err;
  }
  const { lines, items, currency } = checked;

  const { outcome, first } = await deps.inventory.reserve(id, lines);
  if (outcome === 'conflict') throw idempotencyConflict();
  if (!first) {
    const replay = await replayed();
    if (replay) return replay;
  }
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
    const raced = await replayed();
    if (!raced) throw new AppError(503, 'the order could not be stored', { detail: 'try again with the same key' });
    return raced;
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

type Priced = OrderItem & { currency: string };

interface Checked {
  readonly lines: readonly StockLine[];
  readonly items: readonly Priced[];
  readonly currency: string;
}

/** What is checked before any stock is held: the payment token, the lines (or the cart) and their prices. */
async function check(deps: PlaceOrderDeps, req: PlaceOrderRequest): Promise<Checked> {
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
  return { lines, items, currency };
}

async function price(catalog: Catalog, lines: readonly StockLine[]): Promise<Priced[]> {
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
