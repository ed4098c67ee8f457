/** One key's requests in the current fixed window, as this replica knows them. */
interface Count {
  window: number;
  /** The window's total in the shared store at the last sync (every replica's requests). */
  synced: number;
  /** Admitted here, sent to the store in a sync that has not answered yet. */
  sending: number;
  /** Admitted here since the last sync began. */
  pending: number;
}

/** Requests admitted for one key since the last sync, to add to the shared store. */
export interface Increment {
  readonly key: string;
  readonly window: number;
  readonly add: number;
}

/**
 * Fixed-window request counts for one limit, kept in memory and synced with a store shared by every
 * replica (pure logic: the store's I/O is the caller's). A request is decided here, from the window's
 * total at the last sync plus what this replica admitted since, so no request waits on the store.
 * Windows are aligned to the epoch, so every replica counts the same window.
 */
export class WindowCounts {
  private readonly counts = new Map<string, Count>();
  private readonly points: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  /**
   * `maxKeys` bounds the memory whatever the clients send (many addresses, IPv6 above all): a new key
   * beyond it makes the oldest one forgotten, with any requests of it not yet sent.
   */
  constructor(points: number, windowMs: number, maxKeys = 100_000) {
    this.points = points;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  /** Counts one request for `key` at `now`: 0 when admitted, else the milliseconds until its window ends. */
  take(key: string, now: number): number {
    const window = this.windowAt(now);
    let count = this.counts.get(key);
    if (count?.window !== window) {
      if (!count && this.counts.size >= this.maxKeys) this.counts.delete(this.counts.keys().next().value as string);
      count = { window, synced: 0, sending: 0, pending: 0 };
      this.counts.set(key, count);
    }
    if (count.synced + count.sending + count.pending >= this.points) return (window + 1) * this.windowMs - now;
    count.pending++;
    return 0;
  }

  /** Moves every key's pending requests into a sync, and forgets the keys of windows that have ended. */
  drain(now: number): Increment[] {
    const window = this.windowAt(now);
    const increments: Increment[] = [];
    for (const [key, count] of this.counts) {
      if (count.window < window) {
        this.counts.delete(key);
      } else if (count.pending > 0) {
        increments.push({ key, window: count.window, add: count.pending });
        count.sending += count.pending;
        count.pending = 0;
      }
    }
    return increments;
  }

  /** The store answered `total` for the key's window after adding `sent`. */
  settle(sent: Increment, total: number): void {
    const count = this.current(sent);
    if (!count) return;
    count.sending -= sent.add;
    count.synced = Math.max(count.synced, total);
  }

  /** The store did not take `sent`: it goes out again with the next sync. */
  restore(sent: Increment): void {
    const count = this.current(sent);
    if (!count) return;
    count.sending -= sent.add;
    count.pending += sent.add;
  }

  /** Whether any key has requests that no sync has sent yet. */
  get hasPending(): boolean {
    for (const count of this.counts.values()) if (count.pending > 0) return true;
    return false;
  }

  /** Keys remembered (those of current windows). */
  get size(): number {
    return this.counts.size;
  }

  private windowAt(now: number): number {
    return Math.floor(now / this.windowMs);
  }

  private current(sent: Increment): Count | undefined {
    const count = this.counts.get(sent.key);
    return count?.window === sent.window ? count : undefined;
  }
}
