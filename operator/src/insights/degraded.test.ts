import { describe, expect, it } from 'vitest';
import { degradedVerdict, SymptomLedger } from './degraded.ts';

const crash = { reason: 'CrashLooping', subject: 'payments', message: 'payments: keeps crashing' };
const pending = { reason: 'PodsUnschedulable', subject: 'orders', message: 'orders: Insufficient cpu' };

describe('degradedVerdict', () => {
  it('is not degraded without a problem or symptom', () => {
    expect(degradedVerdict(undefined, [])).toEqual({
      degraded: false,
      reason: 'AsExpected',
      message: 'no problems found',
    });
  });

  it('puts a spec problem first and lists every symptom after it', () => {
    const verdict = degradedVerdict({ reason: 'InvalidSpec', message: 'bad spec' }, [crash, pending]);
    expect(verdict).toMatchObject({ degraded: true, reason: 'InvalidSpec' });
    expect(verdict.message).toBe('3 problems: bad spec; payments: keeps crashing; orders: Insufficient cpu');
  });

  it('keeps one symptom as it is, and caps a long message', () => {
    expect(degradedVerdict(undefined, [pending])).toEqual({
      degraded: true,
      reason: 'PodsUnschedulable',
      message: pending.message,
    });
    const many = Array.from({ length: 100 }, (_, i) => ({ ...crash, subject: `s${i}` }));
    expect(degradedVerdict(undefined, many).message.length).toBeLessThanOrEqual(1024);
  });
});

describe('SymptomLedger', () => {
  it('announces a lasting symptom once, again after the repeat interval, and a recurrence at once', () => {
    const ledger = new SymptomLedger({ repeatMs: 600_000 });
    expect(ledger.due('ns/shop', [crash], 0)).toEqual([crash]);
    expect(ledger.due('ns/shop', [crash], 1_000)).toEqual([]);
    expect(ledger.due('ns/shop', [crash, pending], 2_000)).toEqual([pending]);
    expect(ledger.due('ns/shop', [crash, pending], 600_000)).toEqual([crash]);
    expect(ledger.due('ns/shop', [pending], 600_500)).toEqual([]);
    expect(ledger.due('ns/shop', [crash, pending], 601_000)).toEqual([crash]);
  });

  it('keeps shops apart and forgets a deleted one', () => {
    const ledger = new SymptomLedger({ repeatMs: 600_000 });
    expect(ledger.due('a/shop', [crash], 0)).toEqual([crash]);
    expect(ledger.due('b/shop', [crash], 0)).toEqual([crash]);
    ledger.forget('a/shop');
    expect(ledger.due('a/shop', [crash], 1)).toEqual([crash]);
    expect(ledger.due('b/shop', [crash], 1)).toEqual([]);
  });
});
