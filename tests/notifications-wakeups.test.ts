import { createLogger, createPool, type Pool } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL } from '../services/notifications/src/data/notifications-repo.ts';
import { type ListeningWakeups, listenForWakeups } from '../services/notifications/src/data/wakeups.ts';
import type { PostgresServer } from '../scripts/local/postgres.ts';
import { eventually } from './support/checkout.ts';
import { startScratchPostgres, terminateClientConnections } from './support/postgres.ts';

describe("notifications' LISTEN connection against a real Postgres", () => {
  let pg: PostgresServer;
  let pool: Pool;
  let wakeups: ListeningWakeups;
  const logger = createLogger('notifications-test');

  beforeAll(async () => {
    pg = await startScratchPostgres();
    pool = createPool(pg.url(), logger);
    wakeups = await listenForWakeups(pool, logger, 100);
  });

  afterAll(async () => {
    await wakeups?.close();
    await pool?.end();
    await pg?.stop();
  });

  it('when Postgres ends the connection, it listens again and wakes the streams to catch up', async () => {
    // GIVEN a stream of alice's that counts its wake-ups
    let wakes = 0;
    const unsubscribe = wakeups.subscribe('alice', () => wakes++);
    await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, 'alice']);
    await eventually('the first notification to wake alice', async () => (wakes === 1 ? true : undefined), 5_000);

    // WHEN Postgres ends every client connection, as a restart does
    await terminateClientConnections(pg.url());

    // THEN the process lives on, the reconnect wakes alice once to catch up, and later notifications wake her too
    await eventually('the reconnect to wake alice', async () => (wakes >= 2 ? true : undefined), 10_000);
    const before = wakes;
    await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, 'alice']);
    await eventually('a notification after the reconnect', async () => (wakes > before ? true : undefined), 5_000);
    expect(wakes).toBeGreaterThan(before);
    unsubscribe();
  });
});
