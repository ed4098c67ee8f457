import { AppError } from '@shopstack/kit';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginThrottle } from '../domain/session.ts';

export interface ThrottleLimits {
  readonly perAccount: number;
  readonly perAddress: number;
  readonly windowSeconds: number;
}

/** Failed-login counters in Redis, shared by every identity replica. */
export function createLoginThrottle(redis: Redis, limits: ThrottleLimits): LoginThrottle {
  const limiter = (keyPrefix: string, points: number): RateLimiterRedis =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: limits.windowSeconds });
  const byAccount = limiter('login_fail_account', limits.perAccount);
  const byAddress = limiter('login_fail_address', limits.perAddress);

  const retryAfter = (res: RateLimiterRes | null, points: number): number | undefined =>
    res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : undefined;

  return {
    async check(email, address) {
      const [account, client] = await Promise.all([byAccount.get(email), byAddress.get(address)]);
      const wait = Math.max(retryAfter(account, limits.perAccount) ?? 0, retryAfter(client, limits.perAddress) ?? 0);
      if (wait > 0) {
        throw new AppError(429, 'too many failed logins', {
          detail: `try again in ${wait} seconds`,
          headers: { 'retry-after': String(wait) },
        });
      }
    },
    async failed(email, address) {
      // consume() rejects with the limiter state (not an Error) once the points run out
      const count = (l: RateLimiterRedis, key: string): Promise<unknown> =>
        l.consume(key).catch((err: unknown) => {
          if (err instanceof Error) throw new AppError(503, 'login throttle unavailable', { cause: err });
        });
      await Promise.all([count(byAccount, email), count(byAddress, address)]);
    },
    async succeeded(email) {
      await byAccount.delete(email);
    },
  };
}
