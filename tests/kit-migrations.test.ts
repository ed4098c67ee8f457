import { createLogger, createPool, type Migration, migrate, type Pool } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresServer } from '../scripts/local/postgres.ts';
import { startScratchPostgres, terminateClientConnections } from './support/postgres.ts';

const migrations: Migration[] = [
  { version: 1, name: 'widgets', sql: 'CREATE TABLE widgets (id int PRIMARY KEY, n int NOT NULL)' },
  { version: 2, name: 'widget_seed', sql: 'INSERT INTO widgets VALUES (1, 1)' },
];

describe('migrations against a real Postgres', () => {
  let pg: PostgresServer;
  let pool: Pool;

  beforeAll(async () => {
    pg = await startScratchPostgres();
    pool = createPool(pg.url(), createLogger('kit-test'));
  });

  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
  });

  it('applies pending migrations once, even when several replicas start together', async () => {
    const results = await Promise.all([
      migrate(pool, migrations),
      migrate(pool, migrations),
      migrate(pool, migrations),
    ]);
    expect(results.flat().sort()).toEqual([1, 2]);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM widgets');
    expect(rows[0].n).toBe(1);
  });

  it('a re-run applies nothing', async () => {
    expect(await migrate(pool, migrations)).toEqual([]);
  });

  it('a failing migration is rolled back and reported with its name', async () => {
    const broken: Migration = {
      version: 3,
      name: 'broken',
      sql: 'ALTER TABLE widgets ADD COLUMN x int; SELECT no_such_column FROM widgets',
    };
    await expect(migrate(pool, [...migrations, broken])).rejects.toThrow(/migration 3_broken failed/);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'x'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('when the server ends its idle connections (a Postgres restart), the pool answers the next query', async () => {
    // GIVEN idle connections in the pool
    await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
    expect(pool.idleCount).toBeGreaterThan(0);

    // WHEN another session ends them as a shutdown would
    await terminateClientConnections(pg.url());
    await new Promise((resolve) => setTimeout(resolve, 200));

    // THEN the process is still here (no unhandled 'error') and the pool reconnects
    const { rows } = await pool.query('SELECT 1 AS one');
    expect(rows[0].one).toBe(1);
  });
});
