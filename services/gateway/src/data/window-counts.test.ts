import { describe, expect, it } from 'vitest';
import { WindowCounts } from './window-counts.ts';

const windowMs = 60_000;
const t0 = 100 * windowMs; // the start of a window

describe('WindowCounts', () => {
  it('admits exactly the budget in one window, then answers the time left until the next one', () => {
    const counts = new WindowCounts(3, windowMs);
    expect([1, 2, 3].map(() => counts.take('a', t0 + 10))).toEqual([0, 0, 0]);
    expect(counts.take('a', t0 + 1_000)).toBe(windowMs - 1_000);
    expect(counts.take('b', t0 + 1_000)).toBe(0); // keys count apart
    expect(counts.take('a', t0 + windowMs)).toBe(0); // a new window starts afresh
  });

  it('counts requests admitted while a sync is out, and learns the other replicas from its answer', () => {
    const counts = new WindowCounts(6, windowMs);
    counts.take('a', t0);
    counts.take('a', t0);
    const [sent, ...rest] = counts.drain(t0 + 1);
    expect(sent).toEqual({ key: 'a', window: 100, add: 2 });
    expect(rest).toEqual([]);
    counts.take('a', t0 + 2); // 3 known here: 2 out, 1 pending
    counts.settle(sent as NonNullable<typeof sent>, 4); // Redis: our 2 and another replica's 2
    expect(counts.take('a', t0 + 3)).toBe(0); // 4 in Redis + 1 pending < 6
    expect(counts.take('a', t0 + 4)).toBeGreaterThan(0);
    expect(counts.drain(t0 + 5)).toEqual([{ key: 'a', window: 100, add: 2 }]);
  });

  it('keeps counting what a failed sync could not send, and sends it again', () => {
    const counts = new WindowCounts(2, windowMs);
    counts.take('a', t0);
    const [sent] = counts.drain(t0);
    expect(counts.hasPending).toBe(false);
    counts.restore(sent as NonNullable<typeof sent>);
    expect(counts.hasPending).toBe(true);
    counts.take('a', t0);
    expect(counts.take('a', t0)).toBeGreaterThan(0); // the unsent request still counts
    expect(counts.drain(t0)).toEqual([{ key: 'a', window: 100, add: 2 }]);
  });

  it('forgets keys once their window has ended, and ignores a late answer for an ended window', () => {
    const counts = new WindowCounts(2, windowMs);
    counts.take('a', t0);
    const [sent] = counts.drain(t0);
    expect(counts.take('a', t0 + windowMs)).toBe(0); // the next window
    counts.settle(sent as NonNullable<typeof sent>, 1_000); // the old window's total must not count in the new one
    expect(counts.take('a', t0 + windowMs)).toBe(0);
    expect(counts.take('a', t0 + windowMs)).toBeGreaterThan(0);
    expect(counts.drain(t0 + 2 * windowMs)).toEqual([]);
    expect(counts.size).toBe(0);
  });

  it('remembers at most maxKeys keys, forgetting the oldest first', () => {
    const counts = new WindowCounts(1, windowMs, 2);
    counts.take('a', t0);
    counts.take('b', t0);
    counts.take('c', t0); // 'a' is forgotten
    expect(counts.size).toBe(2);
    expect(counts.take('b', t0)).toBeGreaterThan(0);
    expect(counts.take('a', t0)).toBe(0); // counted afresh ('b' goes)
    expect(counts.drain(t0).map((inc) => inc.key)).toEqual(['c', 'a']);
  });
});
