import { randomUUID } from 'node:crypto';
import { AppError, type StateStore } from '@shopstack/kit';
import type { Lease } from '../domain/ports.ts';

interface Held {
  readonly holder: string;
  readonly untilMs: number;
}

/**
 * A lease in the state store, taken and renewed with ETag concurrency (plain saves, outside any
 * transaction, so the outbox publishes nothing). A replica that stops renewing loses it after `ttlMs`.
 */
export function createLease(state: StateStore, key: string, ttlMs: number): Lease {
  const me = randomUUID();
  return {
    async acquire() {
      const current = await state.get<Held>(key);
      const now = Date.now();
      if (current && current.value.holder !== me && current.value.untilMs > now) return false;
      try {
        await state.save(key, { holder: me, untilMs: now + ttlMs }, current?.etag ?? '');
        return true;
      } catch (err) {
        if (err instanceof AppError && err.status === 412) return false;
        throw err;
      }
    },
  };
}
