import { AppError } from '@shopstack/kit';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimits {
  /** Counts a request from `address`; 429 with Retry-After once the window's budget is spent. */
  consumeAddress(address: string): Promise<void>;
  /** Counts a request by an authenticated user; 429 likewise. */
  consumeUser(userId: string): Promise<void>;
}

export interface RateLimitOptions {
  readonly perAddress: number;
  readonly perUser: number;
  readonly windowSeconds: number;
}

/** Fixed-window counters in Redis, shared by every gateway replica. */
export function createRateLimits(redis: Redis, opts: RateLimitOptions): RateLimits {
  const make = (keyPrefix: string, points: number): RateLimiterRedis =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: opts.windowSeconds,
      // once a key is over its budget the answer is known without asking Redis
      inMemoryBlockOnConsumed: points,
    });
  const byAddress = make('rl_addr', opts.perAddress);
  const byUser = make('rl_user', opts.perUser);

  const consume = async (limiter: RateLimiterRedis, key: string): Promise<void> => {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const wait = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError(429, 'too many requests', {
          detail: `try again in ${wait} seconds`,
          headers: { 'retry-after': String(wait) },
        });
      }
      throw new AppError(503, 'rate limiter unavailable', { cause: err });
    }
  };
  return {
    consumeAddress: (address) => consume(byAddress, address),
    consumeUser: (userId) => consume(byUser, userId),
  };
}
