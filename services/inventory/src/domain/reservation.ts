/** One line of a reservation. */
export interface ReservationItem {
  readonly productId: string;
  readonly quantity: number;
}

export type ReservationStatus = 'reserved' | 'committed' | 'released' | 'rejected';

export interface Reservation {
  readonly orderId: string;
  readonly status: ReservationStatus;
  readonly items: readonly ReservationItem[];
  /** Products that lacked stock when the reservation was rejected. */
  readonly shortages?: readonly string[];
  /** On the answer of a reserve: whether this call created the reservation (the order's first reserve). */
  readonly created?: boolean;
}

/** Outcome of a state change on a reservation that exists in another state than the change needs. */
export type Transition =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly current: Reservation | undefined };

/** Atomic, idempotent stock holds keyed by order id; stock never goes negative. */
export interface ReservationRepository {
  /** Holds every item or none; a second call for the same order returns the first outcome. */
  reserve(orderId: string, items: readonly ReservationItem[]): Promise<Reservation>;
  /** reserved → committed (a no-op when already committed). */
  commit(orderId: string): Promise<Transition>;
  /**
   * reserved (or, unless `onlyReserved`, committed) → released, giving the units back; a tombstone when
   * nothing was reserved. `onlyReserved` refuses to undo a sale that a concurrent payment committed.
   */
  release(orderId: string, onlyReserved: boolean): Promise<Transition>;
  /** Order ids whose stock has stayed `reserved` since before `before`, oldest first, at most `limit`. */
  heldSince(before: Date, limit: number): Promise<string[]>;
}

/** Merges lines of the same product and sorts them, so that locks are always taken in one order. */
export function normalizeItems(items: readonly ReservationItem[]): ReservationItem[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function sameItems(a: readonly ReservationItem[], b: readonly ReservationItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.productId === b[i]?.productId && x.quantity === b[i]?.quantity);
}
