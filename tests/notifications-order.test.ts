import { join } from 'node:path';
import { createLogger, createPool, migrateFrom, type Pool } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresServer } from '../scripts/local/postgres.ts';
import { createNotificationRepository } from '../services/notifications/src/data/notifications-repo.ts';
import type { NotificationRepository } from '../services/notifications/src/domain/notification.ts';
import { startScratchPostgres } from './support/postgres.ts';

const event = (eventId: string) => ({ eventId, userId: 'alice', type: 'order.created', data: { orderId: eventId } });

describe("notifications' positions (seq) against a real Postgres", () => {
  let pg: PostgresServer;
  let pool: Pool;
  let repo: NotificationRepository;

  beforeAll(async () => {
    pg = await startScratchPostgres();
    pool = createPool(pg.url(), createLogger('notifications-test'));
    await migrateFrom(pool, join(import.meta.dirname, '../services/notifications/migrations'), createLogger('test'));
    repo = createNotificationRepository(pool);
    // the test's own brake: a batch with event id `slow-*` waits 1 s after taking its seq, before it commits
    await pool.query(`
      CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event_id LIKE 'slow-%' THEN PERFORM pg_sleep(1); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER slow_insert BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION slow_insert();
    `);
  });

  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
  });

  it('are visible in order: a batch recorded while an earlier one commits never shows up before it', async () => {
    // GIVEN a batch that has its position but has not committed yet
    const slow = repo.recordAll([event('slow-1')]);
    await new Promise((r) => setTimeout(r, 200));

    // WHEN another batch is recorded meanwhile
    await repo.recordAll([event('fast-1')]);

    // THEN a stream reading now sees both, in their order, or neither: had it seen only the second, its
    // cursor would pass the first for good (a live order page missing a step)
    const seen = (await repo.after('alice', '0', 100)).map((n) => (n.data as { orderId: string }).orderId);
    await slow;
    expect(seen).toEqual(['slow-1', 'fast-1']);
    expect((await repo.after('alice', '0', 100)).map((n) => (n.data as { orderId: string }).orderId)).toEqual([
      'slow-1',
      'fast-1',
    ]);
  });
});
