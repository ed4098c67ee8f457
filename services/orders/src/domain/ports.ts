import type { OrderEvent, OrderRecord } from './order.ts';

export interface Stored {
  readonly record: OrderRecord;
  readonly etag: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Orders in the Dapr state store; every write publishes its event through the outbox. */
export interface OrderStore {
  get(id: string): Promise<Stored | undefined>;
  /** false when an order with this id already exists. */
  create(record: OrderRecord, event: OrderEvent): Promise<boolean>;
  /** false when the order changed since `etag` was read. */
  update(record: OrderRecord, etag: string, event: OrderEvent): Promise<boolean>;
  listByUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<OrderRecord>>;
  listOverdue(nowMs: number, limit: number): Promise<readonly OrderRecord[]>;
}

export interface PricedProduct {
  readonly priceCents: number;
  readonly currency: string;
}

export interface Catalog {
  /** undefined when the product does not exist. */
  price(productId: string): Promise<PricedProduct | undefined>;
}

export interface StockLine {
  readonly productId: string;
  readonly quantity: number;
}

export type ReserveOutcome = 'reserved' | 'rejected' | 'released' | 'conflict';

export interface Reserved {
  readonly outcome: ReserveOutcome;
  /** This call created the order's reservation: no earlier request for the order got as far as reserving. */
  readonly first: boolean;
}

export interface Inventory {
  reserve(orderId: string, items: readonly StockLine[]): Promise<Reserved>;
  /** false when the reservation is not held any more (released). */
  commit(orderId: string): Promise<boolean>;
  /** With `onlyReserved`, false when a payment committed the stock meanwhile. */
  release(orderId: string, onlyReserved: boolean): Promise<boolean>;
  /** Orders whose stock has stayed reserved since before `before` (at most a batch, oldest first). */
  heldSince(before: Date): Promise<readonly string[]>;
}

export interface Cart {
  items(userId: string): Promise<readonly StockLine[]>;
  clear(userId: string): Promise<void>;
}

/** A lease that lets one replica at a time sweep expired orders. */
export interface Lease {
  acquire(): Promise<boolean>;
}
