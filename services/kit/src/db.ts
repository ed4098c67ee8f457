import type { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from './logger.ts';

export type Pool = pg.Pool;

/**
 * A pool that survives Postgres restarting: an idle connection the server ends (a restart, a failover)
 * is logged and dropped, and the next query opens a new one. Without the listener, pg's 'error' event
 * on the pool would end the process.
 */
export function createPool(connectionString: string, logger: Logger, max = 10): Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  pool.on('error', (err) =>
    logger.warn(pgErrorFields(err), 'an idle Postgres connection failed; the next query opens a new one'),
  );
  return pool;
}

/** What to log of a pg error: its message and SQLSTATE, never the client it carries (connection parameters). */
export function pgErrorFields(err: Error): { reason: string; code?: string } {
  const code = (err as { code?: unknown }).code;
  return { reason: err.message, ...(typeof code === 'string' ? { code } : {}) };
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Reads `NNN_name.sql` files from `dir`, ordered by version; a malformed name is an error. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`migration file ${file} must be named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2], sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
}

const LOCK_ID = 727_001;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, under
 * an advisory lock so that replicas starting together apply each migration once. Returns the versions applied.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<number[]> {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (seen.has(m.version)) throw new Error(`duplicate migration version ${m.version}`);
    seen.add(m.version);
  }
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const done: number[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.version))) {
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        done.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    client.release();
  }
}

/** Errors that say Postgres is not reachable yet (starting, restarting, its Service without endpoints). */
export function isPostgresUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // network errors from Node, then SQLSTATE classes 08 (connection) and 57P (the server is shutting down or starting)
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$|^08|^57P/.test(code);
}

/**
 * Waits until Postgres answers, retrying with backoff (0.5 s doubling to 5 s) for up to `timeoutMs`, so a
 * service started before its database waits for it instead of exiting and being restarted. Any other
 * error (a wrong password, say) ends the wait at once.
 */
export async function waitForPostgres(pool: Pool, logger: Logger, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (err) {
      if (!isPostgresUnavailable(err) || Date.now() + delay > deadline) throw err;
      logger.warn({ ...pgErrorFields(err as Error), retryInMs: delay }, 'waiting for Postgres');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** What connectRedis needs of a Redis client: ioredis created with `lazyConnect`. */
export interface Connectable extends Pick<EventEmitter, 'on' | 'once' | 'off'> {
  connect(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Connects `redis` (created with `lazyConnect`) and waits up to `timeoutMs` until it is ready: a service
 * that starts while Redis (or its Service's endpoints) is not there yet waits instead of exiting and
 * being restarted. ioredis retries a refused connection by itself, then and whenever Redis goes away
 * later; this only waits and logs. (Calling `disconnect()` between attempts, as this once did, marked the
 * client as closed on purpose: the next time Redis went away, it never reconnected.)
 */
export async function connectRedis(redis: Connectable, logger: Logger, timeoutMs = 120_000): Promise<void> {
  let lastError = 'no answer yet';
  let ready = false;
  let attempts = 0;
  redis.on('error', (err: Error) => {
    if (ready) logger.warn({ reason: err.message }, 'the Redis connection failed; reconnecting');
    ready = false;
    lastError = err.message;
  });
  // the 1st, 2nd, 4th, 8th... retry of an outage: ioredis tries again every 2 s at most
  redis.on('reconnecting', (retryInMs: number) => {
    attempts += 1;
    if ((attempts & (attempts - 1)) === 0) logger.warn({ reason: lastError, attempts, retryInMs }, 'waiting for Redis');
  });
  redis.on('ready', () => {
    if (attempts > 0) logger.info({ attempts }, 'connected to Redis');
    ready = true;
    attempts = 0;
  });
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.disconnect();
      reject(new Error(`Redis was not ready within ${timeoutMs} ms: ${lastError}`));
    }, timeoutMs);
    redis.once('ready', onReady);
    // a refused first connection rejects this promise; ioredis then tries again by itself
    redis.connect().catch(() => undefined);
  });
}

/** Waits for Postgres (see waitForPostgres), applies the `NNN_name.sql` files of `dir` (see migrate) and logs what it applied. */
export async function migrateFrom(pool: Pool, dir: string, logger: Logger): Promise<void> {
  await waitForPostgres(pool, logger);
  const applied = await migrate(pool, readMigrations(dir));
  if (applied.length) logger.info({ applied }, 'migrations applied');
}
