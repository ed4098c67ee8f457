import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeOptions, serviceNames } from '../services/manifests.ts';

const root = resolve(import.meta.dirname, '..');
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-start-'));
  chmodSync(dir, 0o711); // Postgres runs as its own user when the tests run as root
  dirs.push(dir);
  return dir;
}

interface Run {
  readonly gatewayUrl: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  output(): string;
  /** What a terminal does on Ctrl-C: SIGINT to every process of the foreground group (npm and the runner). */
  pressCtrlC(): void;
}

/** Runs `npm start` the way a terminal does, in a process group of its own, on free ports and a private data dir. */
function startShop(dir: string): Promise<Run> {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, SHOPSTACK_DIR: dir, SHOPSTACK_PORTS: 'random' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const pid = child.pid ?? 0;
  return new Promise((done, fail) => {
    const ready = setInterval(() => {
      const url = /REST API\s+(http:\/\/\S+)\/api\/v1\/products/.exec(output)?.[1];
      if (!url) return;
      clearInterval(ready);
      done({ gatewayUrl: url, pid, exited, output: () => output, pressCtrlC: () => process.kill(-pid, 'SIGINT') });
    }, 100);
    void exited.then((code) => {
      clearInterval(ready);
      fail(new Error(`npm start exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Every live descendant of `pid` (the runner, Postgres and its backends, Redis, Sentry, services, sidecars). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.pop();
    for (const [child, ppid] of parentOf)
      if (ppid === parent) {
        queue.push(child);
        found.push(child);
      }
  }
  return found;
}

/** The Node flags each service was started with, from /proc/<pid>/cmdline, by service name. */
function serviceFlags(pids: readonly number[]): Record<string, string[]> {
  const flags: Record<string, string[]> = {};
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    const service = argv.map((arg) => /services\/(\w+)\/src\/main\.ts$/.exec(arg)?.[1]).find(Boolean);
    // node <flags> --import <telemetry preload> <main>
    if (service) flags[service] = argv.slice(1, argv.indexOf('--import'));
  }
  return flags;
}

function alive(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

async function productIds(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v1/products?limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string }[] }).items.map((p) => p.id);
}

/** Postgres logs this last only when it shut down by itself, not when it was killed. */
const cleanPostgresShutdown = (dir: string): boolean =>
  readFileSync(join(dir, 'logs', 'postgres.log'), 'utf8')
    .trimEnd()
    .endsWith('database system is shut down');

describe('npm start', () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the seeded products and the storefront, and Ctrl-C stops every process in order before npm returns', async () => {
    const dir = dataDir();
    const run = await startShop(dir);
    expect(await productIds(run.gatewayUrl)).toHaveLength(20);
    // the storefront's URL is printed; it serves the page and proxies the API
    const storefront = /Storefront\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1] as string;
    expect((await fetch(storefront)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${storefront}session/api/v1/products?limit=1`)).status).toBe(200);
    const started = descendants(run.pid);
    expect(started.length).toBeGreaterThanOrEqual(16); // runner, postgres, redis, sentry, 8 services, 8 sidecars
    expect(serviceFlags(started)).toEqual(Object.fromEntries(serviceNames.map((s) => [s, nodeOptions(s)])));

    run.pressCtrlC();

    expect(await run.exited).toBe(0);
    expect(alive(started)).toEqual([]);
    expect(run.output()).toMatch(/stopping…[\s\S]*stopped/);
    expect(cleanPostgresShutdown(dir)).toBe(true);
  });

  it('a second run started right after the first reuses its data', async () => {
    const dir = dataDir();
    const first = await startShop(dir);
    const before = await productIds(first.gatewayUrl);
    first.pressCtrlC();
    await first.exited;

    const second = await startShop(dir);
    const after = await productIds(second.gatewayUrl);
    second.pressCtrlC();
    await second.exited;

    expect(after).toEqual(before);
  });

  it('a second Ctrl-C while stopping waits for the graceful stop instead of killing', async () => {
    const dir = dataDir();
    const run = await startShop(dir);
    const started = descendants(run.pid);
    // a client in the middle of an upload keeps the gateway draining (up to its 5 s grace), so the stop
    // lasts long enough for a second press; an idle shop stops in a few hundred milliseconds
    const { hostname, port } = new URL(run.gatewayUrl);
    const slowClient = connect(Number(port), hostname);
    slowClient.on('error', () => undefined);
    await new Promise((resolve) => slowClient.once('connect', resolve));
    slowClient.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    await sleep(100);
    run.pressCtrlC();
    // a person's second press comes a moment after the first, while the stop is under way (past the
    // 300 ms in which npm's forwarded copy of a signal counts as the same press)
    await sleep(350);
    while (!run.output().includes('stopping…')) await sleep(20);
    run.pressCtrlC();

    expect(await run.exited).toBe(0);
    expect(alive(started)).toEqual([]);
    expect(run.output()).toContain('still stopping gracefully');
    expect(run.output()).not.toContain('killing every process');
    expect(run.output()).toContain('stopped');
    expect(cleanPostgresShutdown(dir)).toBe(true);
    slowClient.destroy();
  });
});
