import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Proc, startProc, waitFor } from '../common/proc.ts';
import { findBinary, pathDirs } from '../runtimes/binaries.ts';

export interface PostgresServer {
  readonly port: number;
  readonly proc: Proc;
  /** Connection string for `database` as the superuser. */
  url(database?: string): string;
  /** Creates each database (and a role of the same name with `password`) if it does not exist. */
  ensureDatabases(names: readonly string[], password: string): Promise<void>;
  stop(): Promise<void>;
}

/** Postgres server binaries: $PG_BIN, then Debian's newest /usr/lib/postgresql/N/bin, then PATH. */
export function postgresBinDir(): string {
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const dirs = [process.env.PG_BIN, ...debian, ...pathDirs()].filter((d): d is string => Boolean(d));
  const initdb = findBinary('initdb', dirs);
  if (!initdb || !findBinary('postgres', [join(initdb, '..')])) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) not found: apt-get install postgresql, or set PG_BIN',
    );
  }
  return join(initdb, '..');
}

// Postgres refuses to run as root; as root we hand the data directory to the postgres user.
const asUser = process.getuid?.() === 0 ? userIds('postgres') : undefined;

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts (initialising on first use) a Postgres cluster in `dir` on loopback `port`, trust auth for local superuser. */
export async function startPostgres(opts: { dir: string; port: number; logFile: string }): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dataDir = join(opts.dir, 'data');
  mkdirSync(opts.dir, { recursive: true });
  if (asUser) chownSync(opts.dir, asUser.uid, asUser.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    execFileSync(
      join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--no-sync',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { stdio: 'pipe', ...asUser, cwd: opts.dir, env: { ...process.env, PGPASSWORD: undefined } },
    );
    // superuser access over TCP only from loopback with trust: the socket lives in the private data dir
    execFileSync(
      'sh',
      [
        '-c',
        `printf 'host all postgres 127.0.0.1/32 trust\\n' | cat - "${dataDir}/pg_hba.conf" > "${dataDir}/hba.tmp" && mv "${dataDir}/hba.tmp" "${dataDir}/pg_hba.conf"`,
      ],
      asUser,
    );
  }
  const proc = startProc({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-p',
      String(opts.port),
      '-k',
      opts.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ],
    logFile: opts.logFile,
    ...asUser,
  });
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${opts.port}/${database}`;
  await waitFor(
    'postgres to accept connections',
    async () => {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      await client.end();
      return true;
    },
    { proc, timeoutMs: 30_000 },
  );
  return {
    port: opts.port,
    proc,
    url,
    async ensureDatabases(names, password) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        for (const name of names) {
          const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
          const verb = role.rowCount ? 'ALTER' : 'CREATE';
          await client.query(`${verb} ROLE ${pg.escapeIdentifier(name)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
          const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
          if (!db.rowCount)
            await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} OWNER ${pg.escapeIdentifier(name)}`);
        }
      } finally {
        await client.end();
      }
    },
    stop: () => proc.stop(10_000),
  };
}
