// The kit's Redis connection against a real redis-server: a service that starts before Redis waits for
// it, and its client comes back by itself each time Redis restarts (the gateway and identity once
// stayed unready on kind after the Redis pod's deletion, when their first connection had been refused).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, createLogger } from '@shopstack/kit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/common/ports.ts';
import { type RedisServer, startRedis } from '../scripts/local/redis.ts';
import { eventually } from './support/checkout.ts';

describe('connectRedis against a real Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-redis-'));
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  const start = async (port: number) => {
    server = await startRedis({ dir, port, logFile: join(dir, 'redis.log') });
  };

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a Redis that starts late, then reconnects after each Redis restart', async () => {
    // GIVEN a client made as the services make theirs, and no Redis yet: its first connections are refused
    const port = await freePort();
    client = new Redis(`redis://127.0.0.1:${port}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const connected = connectRedis(client, createLogger('kit-redis-test'), 30_000);
    await new Promise((r) => setTimeout(r, 1_500));
    await start(port);
    await connected;
    expect(await client.ping()).toBe('PONG');

    // WHEN Redis restarts, twice
    for (const round of [1, 2]) {
      await server?.stop();
      await expect(client.ping(), `ping with Redis down (round ${round})`).rejects.toThrow();
      await start(port);
      // THEN the client is back by itself
      const pong = await eventually(`the client to reconnect (round ${round})`, async () => client?.ping(), 15_000);
      expect(pong).toBe('PONG');
    }
  });

  it('fails with the reason when Redis never comes', async () => {
    const nobody = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false });
    await expect(connectRedis(nobody, createLogger('kit-redis-test'), 2_000)).rejects.toThrow(
      /Redis was not ready within 2000 ms: .*ECONNREFUSED/,
    );
  });
});
