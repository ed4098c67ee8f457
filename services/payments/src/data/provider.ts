import { randomUUID } from 'node:crypto';
import { AppError, type StateStore } from '@shopstack/kit';
import type { Charge, ChargeRequest, ChargeStatus, Provider } from '../domain/ports.ts';

/** The provider's own record of a charge, kept apart from payments' records (plain saves, no outbox). */
export interface LedgerEntry extends Charge {
  readonly kind: 'provider-charge';
  readonly token: string;
  readonly createdAt: string;
  /** A settled charge whose webhook has not been acknowledged yet. */
  readonly webhookDue: boolean;
}

export interface SimulatedProviderOptions {
  readonly ledger: StateStore;
  readonly slowMs: number;
  /** Delivers the webhook for a settled charge; rejects when the receiver did not accept it. */
  readonly notify: (charge: Charge) => Promise<void>;
  readonly onError: (err: unknown) => void;
}

export interface SimulatedProvider extends Provider {
  /**
   * Settles charges whose webhook was interrupted by a restart (`keys` of pending or undelivered ones).
   * Charges this process is settling already keep their own schedule: a `tok_slow` charge made after the
   * process started is not settled early because the lookup of unsettled ones came late.
   */
  resume(keys: readonly string[]): void;
  stop(): void;
}

const outcomes: Record<string, ChargeStatus> = { tok_visa: 'succeeded', tok_declined: 'declined', tok_slow: 'pending' };
const keyOf = (idempotencyKey: string): string => `provider-charge-${idempotencyKey}`;

/**
 * A payment provider simulated in-process with a durable ledger: `tok_visa` succeeds, `tok_declined`
 * is declined, `tok_slow` stays pending and succeeds `slowMs` later through a signed webhook.
 */
export function createSimulatedProvider(opts: SimulatedProviderOptions): SimulatedProvider {
  const timers = new Set<NodeJS.Timeout>();
  /** Keys of the charges this process is settling (waiting, or retrying a webhook). */
  const settling = new Set<string>();
  const read = async (key: string) => (await opts.ledger.get<LedgerEntry>(keyOf(key))) ?? undefined;

  /** Moves a charge from one of `from` to `to` with ETag concurrency; returns the charge as it ends up. */
  async function transition(key: string, from: readonly ChargeStatus[], to: ChargeStatus, webhookDue = false) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const entry = await read(key);
      if (!entry || !from.includes(entry.value.status)) return entry?.value;
      const next: LedgerEntry = { ...entry.value, status: to, webhookDue };
      try {
        await opts.ledger.save(keyOf(key), next, entry.etag);
        return next;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 412)) throw err;
      }
    }
    throw new AppError(503, `charge ${key} is changing too often`);
  }

  async function deliver(key: string): Promise<void> {
    const entry = await read(key);
    if (!entry?.value.webhookDue) return;
    await opts.notify(entry.value);
    await transition(key, [entry.value.status], entry.value.status, false);
  }

  function later(ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work().catch((err: unknown) => {
        opts.onError(err);
        later(1_000, work);
      });
    }, ms);
    timers.add(timer);
  }

  /** Settles the charge `ms` from now and delivers its webhook, unless this process is at it already. */
  function settleLater(key: string, ms: number): void {
    if (settling.has(key)) return;
    settling.add(key);
    later(ms, async () => {
      await transition(key, ['pending'], 'succeeded', true);
      await deliver(key);
      settling.delete(key);
    });
  }

  /** Records `entry` unless the key has a charge already; answers the charge that holds the key. */
  async function insert(entry: LedgerEntry): Promise<{ charge: LedgerEntry; inserted: boolean }> {
    try {
      // insert-only: a retried charge finds the first one and returns it unchanged
      await opts.ledger.save(keyOf(entry.idempotencyKey), entry, '');
      return { charge: entry, inserted: true };
    } catch (err) {
      const existing = err instanceof AppError && err.status === 412 ? await read(entry.idempotencyKey) : undefined;
      if (existing) return { charge: existing.value, inserted: false };
      throw err;
    }
  }

  const entryOf = (req: ChargeRequest, status: ChargeStatus): LedgerEntry => ({
    kind: 'provider-charge',
    id: `ch_${randomUUID()}`,
    idempotencyKey: req.idempotencyKey,
    orderId: req.orderId,
    amountCents: req.amountCents,
    status,
    token: req.token,
    createdAt: new Date().toISOString(),
    webhookDue: false,
  });

  return {
    async charge(req) {
      const status = outcomes[req.token];
      if (!status) throw AppError.badRequest(`unknown payment token ${req.token}`);
      const { charge, inserted } = await insert(entryOf(req, status));
      if (inserted && status === 'pending') settleLater(req.idempotencyKey, opts.slowMs);
      return charge;
    },
    block: async (req) => (await insert(entryOf({ ...req, token: '' }, 'voided'))).charge,
    get: async (key) => (await read(key))?.value,
    void: (key) => transition(key, ['pending'], 'voided'),
    refund: (key) => transition(key, ['succeeded'], 'refunded'),
    resume(keys) {
      for (const key of keys) settleLater(key, 0);
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      settling.clear();
    },
  };
}
