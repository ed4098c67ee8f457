import type { Logger } from 'pino';
import { backoffDelay } from '../backoff.ts';

export interface WorkResult {
  /** Look again after this long even if nothing changes (e.g. to re-check an external Secret). */
  readonly requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  /** How many different keys are processed at once; one key is never processed twice at once. */
  readonly concurrency: number;
  readonly handler: (key: string) => Promise<WorkResult | undefined>;
  readonly log: Logger;
  /** First retry delay after a failure; doubles per consecutive failure of the same key. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onDepth?: (depth: number) => void;
}

/**
 * A work queue keyed by object: a key waits at most once (changes coalesce), is handled by one worker
 * at a time, and if it changes while being handled it runs again right after. Failures requeue the
 * key with per-key exponential backoff; a success resets it.
 */
export class WorkQueue {
  readonly #opts: WorkQueueOptions;
  readonly #waiting: string[] = [];
  readonly #queued = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(opts: WorkQueueOptions) {
    this.#opts = opts;
  }

  get depth(): number {
    return this.#waiting.length;
  }

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#waiting.push(key);
    this.#changed();
  }

  /** Adds `key` after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    const due = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { due, timer });
  }

  /** Stops taking work and resolves once the keys being handled are done. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#waiting.length = 0;
    this.#queued.clear();
    if (this.#active.size > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #changed(): void {
    this.#opts.onDepth?.(this.#waiting.length);
    while (!this.#stopped && this.#active.size < this.#opts.concurrency && this.#waiting.length > 0) {
      const key = this.#waiting.shift() as string;
      this.#queued.delete(key);
      this.#active.add(key);
      void this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    try {
      const result = await this.#opts.handler(key);
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delay = backoffDelay(failures, {
        baseMs: this.#opts.baseDelayMs ?? 500,
        maxMs: this.#opts.maxDelayMs ?? 300_000,
      });
      this.#opts.log.warn(
        { key, err: (err as Error).message, failures, retryInMs: delay },
        'reconcile failed; will retry',
      );
      this.addAfter(key, delay);
    } finally {
      this.#active.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
      if (this.#stopped && this.#active.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
      this.#changed();
    }
  }
}
