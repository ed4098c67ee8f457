import { AppError, type StateStore } from '@shopstack/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Charge } from '../domain/ports.ts';
import { createSimulatedProvider, type LedgerEntry } from './provider.ts';

/** The ledger's get and ETag save, in memory (the provider uses nothing else). */
function memoryLedger(): StateStore {
  const items = new Map<string, { value: unknown; etag: string }>();
  let version = 0;
  const unused = () => Promise.reject(new Error('not used by the provider'));
  return {
    get: async <T>(key: string) => {
      const item = items.get(key);
      return item && { value: item.value as T, etag: item.etag };
    },
    async save(key, value, etag) {
      const current = items.get(key);
      if (etag !== undefined && (etag === '' ? current : current?.etag !== etag)) {
        throw new AppError(412, `${key} changed`);
      }
      items.set(key, { value, etag: String(++version) });
    },
    delete: unused,
    transact: unused,
    query: unused,
  };
}

const SLOW_MS = 60_000;
const request = { idempotencyKey: 'order-1', orderId: 'order-1', amountCents: 500, currency: 'USD', token: 'tok_slow' };

describe('the simulated provider', () => {
  let ledger: StateStore;
  let notified: Charge[];
  const provider = () =>
    createSimulatedProvider({
      ledger,
      slowMs: SLOW_MS,
      notify: async (charge) => {
        notified.push(charge);
      },
      onError: (err) => {
        throw err;
      },
    });
  const statusOf = async (key: string) =>
    (await ledger.get<LedgerEntry>(`provider-charge-${key}`))?.value.status ?? 'none';

  beforeEach(() => {
    vi.useFakeTimers();
    ledger = memoryLedger();
    notified = [];
  });
  afterEach(() => vi.useRealTimers());

  it('a tok_slow charge settles slowMs after it was made, even when a resume lists it meanwhile', async () => {
    const running = provider();
    await running.charge(request);
    // the lookup of unsettled charges at startup may answer after this run made some
    running.resume([request.idempotencyKey]);
    await vi.advanceTimersByTimeAsync(SLOW_MS - 1);
    expect(await statusOf(request.idempotencyKey)).toBe('pending');
    expect(notified).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(await statusOf(request.idempotencyKey)).toBe('succeeded');
    expect(notified.map((c) => c.status)).toEqual(['succeeded']);
    running.stop();
  });

  it('a resume settles at once a charge that a previous run left pending, and notifies once', async () => {
    const previous = provider();
    await previous.charge(request);
    previous.stop();

    const next = provider();
    next.resume([request.idempotencyKey, request.idempotencyKey]);
    await vi.advanceTimersByTimeAsync(0);
    expect(await statusOf(request.idempotencyKey)).toBe('succeeded');
    expect(notified.map((c) => c.orderId)).toEqual([request.orderId]);
    next.stop();
  });
});
