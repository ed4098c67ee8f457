// The expand/contract rule of migrations (docs/operations.md), proven on a real Postgres with a real
// schema change: inventory's migration 004 replaced reserve_stock with one that also says `created`.
// During a roll the previous release still runs against the migrated schema, so its code must keep
// working there, while the migration runs and after it; and a contracting change would break it.
import { join } from 'node:path';
import { contractProblems, createLogger, createPool, migrate, type Pool, readMigrations } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReservationRepository } from '../services/inventory/src/data/reservations-repo.ts';
import { serviceNames } from '../services/manifests.ts';
import type { PostgresServer } from '../scripts/local/postgres.ts';
import { startScratchPostgres } from './support/postgres.ts';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const migrationsOf = (service: string) => join(import.meta.dirname, '..', 'services', service, 'migrations');
const inventory = readMigrations(migrationsOf('inventory'));

/** The reserve of the release before migration 004 (services/inventory/src/data/reservations-repo.ts then). */
const previousReserve = (pool: Pool, orderId: string, items: unknown) =>
  pool.query<{ status: string; items: unknown; shortages: string[] | null }>(
    'SELECT status, items, shortages FROM reserve_stock($1, $2)',
    [orderId, JSON.stringify(items)],
  );

describe('migrations expand, so the version still running reads the migrated schema', () => {
  let pg: PostgresServer;
  let pool: Pool;
  const product = randomUUID();

  beforeAll(async () => {
    pg = await startScratchPostgres();
    pool = createPool(pg.url(), createLogger('expand-contract-test'));
  });

  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
  });

  it('every service migration is expand-only', () => {
    const problems = serviceNames
      .filter((service) => existsSync(migrationsOf(service)))
      .flatMap((service) =>
        readMigrations(migrationsOf(service))
          .flatMap(contractProblems)
          .map((p) => `${service} ${p}`),
      );
    expect(problems).toEqual([]);
  });

  it('the previous release reserves stock before, while and after migration 004 runs, and the new code after it', async () => {
    // GIVEN the schema of the previous release, and its code reserving in a loop as a replica still running would
    await migrate(
      pool,
      inventory.filter((m) => m.version < 4),
    );
    await pool.query('INSERT INTO stock (product_id, on_hand) VALUES ($1, 1000000000)', [product]);
    const items = [{ productId: product, quantity: 1 }];
    let running = true;
    const answered: string[] = [];
    const errors: string[] = [];
    const previousReplica = (async () => {
      while (running) {
        try {
          const { rows } = await previousReserve(pool, randomUUID(), items);
          answered.push(rows[0]?.status ?? 'none');
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 200));

    // WHEN the new release migrates
    expect(await migrate(pool, inventory)).toContain(4);
    const afterMigration = answered.length;
    await new Promise((r) => setTimeout(r, 200));
    running = false;
    await previousReplica;

    // THEN the previous code never failed, before or after, and the new code reads what 004 added
    expect(errors).toEqual([]);
    expect(answered.length).toBeGreaterThan(afterMigration);
    expect(new Set(answered)).toEqual(new Set(['reserved']));
    const current = await createReservationRepository(pool).reserve(randomUUID(), items);
    expect(current).toMatchObject({ status: 'reserved', created: true });
  });

  it('a contracting change (reserve_stock renamed) breaks the previous release, and the rule names it', async () => {
    const contraction = {
      version: 99,
      name: 'rename_reserve_stock',
      sql: 'ALTER FUNCTION reserve_stock(uuid, jsonb) RENAME TO reserve_stock_v1',
    };
    expect(contractProblems(contraction)).toEqual([expect.stringMatching(/^99_rename_reserve_stock: renames/)]);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(contraction.sql);
      await expect(previousReserve(client as unknown as Pool, randomUUID(), [])).rejects.toThrow(/reserve_stock/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
