import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCpuMeter } from './bench/cpu.ts';
import { eventually } from './support/checkout.ts';
import { sidecarClientOf } from './support/sidecar.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

// The fixes daprd is built with (scripts/runtimes/daprd/*.sed), each against orders' real sidecar.
describe("orders' sidecar, built with the fixes of scripts/runtimes/daprd", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(['orders']);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  // Dapr publishes an outbox message to its internal topic before the state transaction runs. When the
  // transaction then fails (an ETag conflict), the message's state never appears: the handler retries for
  // 10 s and, with outboxDiscardWhenMissingState, discards it. Stock Dapr 1.18.2 never stops retrying and
  // polls the state store in a hot loop for ever (outbox-backoff.sed).
  it('discards the orphaned outbox message of a failed transaction and goes back to idle', async () => {
    const orders = stack.services.orders;
    if (!orders) throw new Error('orders is not running');
    const failed = await sidecarClientOf(orders).transactState('orderstore', {
      operations: [{ operation: 'upsert', request: { key: 'outbox-probe', value: { probe: true }, etag: '1' } }],
    });
    expect(failed.status, failed.body).toBeGreaterThanOrEqual(400); // no such record: the ETag cannot match

    const log = orders.sidecar.proc.logFile;
    await eventually(
      'the orphaned outbox message to be discarded',
      async () => (/discarding message/.test(readFileSync(log, 'utf8')) ? true : undefined),
      40_000,
    );
    const meter = startCpuMeter({ daprd: orders.sidecar.proc.child.pid ?? 0 });
    await new Promise((r) => setTimeout(r, 3000));
    // idle, a sidecar spends a few ms of CPU per second; the hot loop spent about a core
    expect(meter.perOp(3).daprd).toBeLessThan(100);
  }, 60_000);

  // Sidecars starting together on a new database race on `CREATE TABLE IF NOT EXISTS` of their store's
  // metadata table, and Postgres answers the loser 23505 or 42P07, depending on when the winner commits.
  // Stock daprd retries 23505 only and exits on 42P07 (metadata-table-race.sed). The race itself cannot be
  // timed from outside, so an event trigger answers the sidecar's first attempt with 42P07, as the loser
  // sees it; a sequence counts the attempts (it is not rolled back with the failed statement).
  it('starts when its first CREATE TABLE of the metadata table is answered 42P07', async () => {
    const db = new pg.Client({ connectionString: stack.postgres.url('dapr_state') });
    await db.connect();
    try {
      await db.query(`
        CREATE SEQUENCE metadata_race_attempts;
        CREATE FUNCTION metadata_race() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          IF current_query() ~* '^\\s*create table if not exists orders_state_metadata\\M'
             AND nextval('metadata_race_attempts') = 1 THEN
            RAISE EXCEPTION 'relation "orders_state_metadata" already exists' USING ERRCODE = 'duplicate_table';
          END IF;
        END $$;
        CREATE EVENT TRIGGER metadata_race ON ddl_command_start WHEN TAG IN ('CREATE TABLE')
          EXECUTE FUNCTION metadata_race();`);

      await stack.restartService('orders'); // waits for the sidecar's health, or fails when it exits

      const { rows } = await db.query<{ attempts: string }>(
        'SELECT last_value AS attempts FROM metadata_race_attempts',
      );
      expect(Number(rows[0]?.attempts)).toBe(2); // answered 42P07 once, then created (or found) the table
      const orders = stack.services.orders;
      if (!orders) throw new Error('orders is not running');
      await expect(sidecarClientOf(orders).healthz()).resolves.toBeUndefined();
    } finally {
      await db.query('DROP EVENT TRIGGER IF EXISTS metadata_race');
      await db.end();
    }
  }, 90_000);
});
