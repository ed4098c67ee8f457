// The gateway's rate limits against a real Redis, two limiters standing for two gateway replicas:
// requests are decided in memory and the counts meet in Redis (services/gateway/src/data/rate-limits.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, createLogger } from '@shopstack/kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/common/ports.ts';
import { type RedisServer, startRedis } from '../scripts/local/redis.ts';
import { withinOneWindow } from './support/clock.ts';
import { createRateLimits, type RateLimits } from '../services/gateway/src/data/rate-limits.ts';

const windowSeconds = 3600;
const perUser = 5;
const syncMs = 20;

/** The HTTP status a consume answers: 200 when admitted. */
function statusOf(consume: () => void): number {
  try {
    consume();
    return 200;
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('gateway rate limits shared through Redis', () => {
  let dir: string;
  let port: number;
  let server: RedisServer;
  const clients: Redis[] = [];
  const replica = (): RateLimits => {
    const redis = new Redis(`redis://127.0.0.1:${port}`, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => {}); // refused while the test has Redis stopped
    clients.push(redis);
    return createRateLimits(redis, { perAddress: 1000, perUser, windowSeconds, syncMs }, createLogger('test', 'error'));
  };
  const windowKey = (user: string): string => `rl_user:${Math.floor(Date.now() / (windowSeconds * 1000))}:${user}`;
  const start = async (): Promise<void> => {
    server = await startRedis({ dir, port, logFile: join(dir, 'redis.log') });
  };

  beforeAll(async () => {
    // the windows are aligned to the clock: keep the test inside one of them
    await withinOneWindow(windowSeconds * 1000, 60_000);
    dir = mkdtempSync(join(tmpdir(), 'shopstack-ratelimit-'));
    port = await freePort();
    await start();
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one replica admits exactly its budget; another learns of it through Redis within one sync', async () => {
    const [a, b] = [replica(), replica()];
    await until('both clients to connect', async () => (clients.every((c) => c.status === 'ready') ? true : undefined));
    const spent = Array.from({ length: perUser }, () => statusOf(() => a.consumeUser('u1')));
    expect(spent).toEqual(Array(perUser).fill(200));
    expect(statusOf(() => a.consumeUser('u1'))).toBe(429);
    const key = windowKey('u1');
    const admin = clients[0] as Redis;
    await until("replica a's counts in Redis", async () =>
      (await admin.get(key)) === String(perUser) ? true : undefined,
    );
    // b has not synced yet: it admits (the overshoot of one sync interval), and its sync brings back the total
    expect(statusOf(() => b.consumeUser('u1'))).toBe(200);
    await until("replica b's sync", async () => ((await admin.get(key)) === String(perUser + 1) ? true : undefined));
    await sleep(syncMs); // its answer is in
    expect(statusOf(() => b.consumeUser('u1'))).toBe(429);
    expect(statusOf(() => b.consumeUser('u3'))).toBe(200); // other users are not affected
    expect(await admin.pttl(key)).toBeGreaterThan(windowSeconds * 1000);
  });

  it('while Redis is down a replica limits on its own, and its counts reach Redis once it is back', async () => {
    const a = replica();
    await until('the client to connect', async () => (clients.at(-1)?.status === 'ready' ? true : undefined));
    await server.stop();
    const answers = Array.from({ length: perUser + 1 }, () => statusOf(() => a.consumeUser('u2')));
    expect(answers).toEqual([...Array(perUser).fill(200), 429]);
    await sleep(5 * syncMs); // syncs fail meanwhile
    await start();
    const admin = new Redis(`redis://127.0.0.1:${port}`);
    clients.push(admin);
    await until('the counts to reach Redis', async () =>
      (await admin.get(windowKey('u2'))) === String(perUser) ? true : undefined,
    );
  });
});
