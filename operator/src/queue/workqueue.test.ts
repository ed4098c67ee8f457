import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './workqueue.ts';

const log = pino({ level: 'silent' });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('WorkQueue', () => {
  it('when a key is added many times while waiting, it is handled once', async () => {
    // GIVEN
    const gate = deferred();
    const handled: string[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      log,
      handler: async (key) => {
        if (key === 'blocker') await gate.promise;
        handled.push(key);
        return undefined;
      },
    });

    // WHEN
    queue.add('blocker');
    for (let i = 0; i < 5; i++) queue.add('a');
    gate.resolve();

    // THEN
    await until(() => handled.length === 2);
    expect(handled).toEqual(['blocker', 'a']);
  });

  it('never handles one key twice at once, and runs it again if it changed meanwhile', async () => {
    // GIVEN
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const queue = new WorkQueue({
      concurrency: 4,
      log,
      handler: async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        runs += 1;
        if (runs === 1) await gate.promise;
        running -= 1;
        return undefined;
      },
    });

    // WHEN
    queue.add('a');
    queue.add('a');
    queue.add('a');
    gate.resolve();

    // THEN
    await until(() => runs === 2 && running === 0);
    expect(maxRunning).toBe(1);
  });

  it('when the handler fails, the key is retried with growing delays until it succeeds', async () => {
    // GIVEN
    const attempts: number[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      log,
      baseDelayMs: 20,
      handler: async () => {
        attempts.push(Date.now());
        if (attempts.length < 4) throw new Error('boom');
        return undefined;
      },
    });

    // WHEN
    queue.add('a');

    // THEN
    await until(() => attempts.length === 4);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(gaps[2]).toBeGreaterThanOrEqual(35); // third retry waits at least half of 4 × 20 ms
  });

  it('on shutdown, waits for the running handler and takes no more work', async () => {
    // GIVEN
    const gate = deferred();
    const handled: string[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      log,
      handler: async (key) => {
        await gate.promise;
        handled.push(key);
        return undefined;
      },
    });
    queue.add('a');
    queue.add('b');

    // WHEN
    const stopped = queue.shutdown();
    queue.add('c');
    gate.resolve();
    await stopped;

    // THEN
    expect(handled).toEqual(['a']);
  });
});
