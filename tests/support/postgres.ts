import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../scripts/common/ports.ts';
import { type PostgresServer, startPostgres } from '../../scripts/local/postgres.ts';

/** A Postgres of the test's own in a fresh temp dir; `stop()` also removes the dir. */
export async function startScratchPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-pg-'));
  const server = await startPostgres({ dir, port: await freePort(), logFile: join(dir, 'postgres.log') });
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends every client connection but its own, as a Postgres shutdown or restart does. */
export async function terminateClientConnections(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
  } finally {
    await client.end();
  }
}
