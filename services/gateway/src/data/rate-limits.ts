import { AppError, type Logger } from '@shopstack/kit';
import type { Redis } from 'ioredis';
import { WindowCounts } from './window-counts.ts';

export interface RateLimits {
  /** Counts a request from `address`; 429 with Retry-After once the window's budget is spent. */
  consumeAddress(address: string): void;
  /** Counts a request by an authenticated user; 429 likewise. */
  consumeUser(userId: string): void;
}

export interface RateLimitOptions {
  readonly perAddress: number;
  readonly perUser: number;
  readonly windowSeconds: number;
  /** How often this replica adds its counts to Redis and learns the other replicas'. */
  readonly syncMs: number;
}

/**
 * Fixed-window counters shared by every gateway replica through Redis, decided in memory: a request
 * waits on nothing, and this replica's counts go to Redis in one pipeline (INCRBY, PEXPIRE per key) at
 * most every `syncMs`, whose answers bring back every replica's totals. One replica never exceeds a
 * budget; with several, a key can get what the others admitted within one sync interval on top of it.
 * While Redis is unreachable each replica keeps its own counts and sends them once Redis answers.
 * No npm limiter decides locally and syncs in batches (rate-limiter-flexible asks Redis per request:
 * ~0.1 ms of Redis CPU and a round trip on every API request, the busiest being cached product reads).
 */
export function createRateLimits(redis: Redis, opts: RateLimitOptions, logger: Logger): RateLimits {
  const windowMs = opts.windowSeconds * 1000;
  const byAddress = new WindowCounts(opts.perAddress, windowMs);
  const byUser = new WindowCounts(opts.perUser, windowMs);
  const limits = [
    { prefix: 'rl_addr', counts: byAddress },
    { prefix: 'rl_user', counts: byUser },
  ];
  let timer: NodeJS.Timeout | undefined;
  let syncing = false;
  let failing = false;

  const sync = async (): Promise<void> => {
    timer = undefined;
    const now = Date.now();
    const sent = limits.flatMap(({ prefix, counts }) => counts.drain(now).map((inc) => ({ prefix, counts, inc })));
    if (sent.length === 0) return;
    syncing = true;
    const pipeline = redis.pipeline();
    for (const { prefix, inc } of sent) {
      const key = `${prefix}:${inc.window}:${inc.key}`;
      pipeline.incrby(key, inc.add).pexpire(key, 2 * windowMs);
    }
    try {
      const answers = (await pipeline.exec()) ?? [];
      sent.forEach(({ counts, inc }, i) => {
        const [err, total] = answers[2 * i] ?? [new Error('no answer')];
        if (err) counts.restore(inc);
        else counts.settle(inc, Number(total));
      });
      if (failing) logger.info('rate limit counts reach Redis again');
      failing = false;
    } catch (err) {
      for (const { counts, inc } of sent) counts.restore(inc);
      if (!failing)
        logger.warn({ err }, 'rate limit counts cannot reach Redis; each replica limits on its own meanwhile');
      failing = true;
    } finally {
      syncing = false;
      if (limits.some((l) => l.counts.hasPending)) schedule();
    }
  };
  const schedule = (): void => {
    if (timer || syncing) return;
    timer = setTimeout(() => void sync(), opts.syncMs);
    timer.unref();
  };
  const consume = (counts: WindowCounts, key: string): void => {
    const waitMs = counts.take(key, Date.now());
    if (waitMs > 0) {
      const wait = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError(429, 'too many requests', {
        detail: `try again in ${wait} seconds`,
        headers: { 'retry-after': String(wait) },
      });
    }
    schedule();
  };
  return {
    consumeAddress: (address) => consume(byAddress, address),
    consumeUser: (userId) => consume(byUser, userId),
  };
}
