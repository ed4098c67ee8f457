import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'shopstack-start-'));
chmodSync(dir, 0o711);

interface Run {
  gatewayUrl: string;
  pid: number;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Runs `npm start`'s script the way a user does, on free ports and a private data dir. */
function startShop(): Promise<Run> {
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env: { ...process.env, SHOPSTACK_DIR: dir, SHOPSTACK_PORTS: 'random' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /REST API\s+(http:\/\/\S+)\/api\/v1\/products/.exec(output)?.[1];
      if (url) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => {
          output += more.toString();
        });
        done({
          gatewayUrl: url,
          pid: child.pid ?? 0,
          output: () => output,
          stop: () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then((code) => fail(new Error(`start.ts exited with ${code} before it was ready:\n${output}`)));
  });
}

/** Every live descendant of `pid` (Postgres and its backends, Redis, Sentry, services, sidecars). */
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

describe('npm start', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the seeded products, and Ctrl-C stops every process it started', async () => {
    const run = await startShop();
    const res = await fetch(`${run.gatewayUrl}/api/v1/products?limit=100`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(20);
    const started = descendants(run.pid);
    expect(started.length).toBeGreaterThanOrEqual(7); // postgres, redis, sentry, 2 services, 2 sidecars

    expect(await run.stop()).toBe(0);
    expect(run.output()).toContain('stopped');
    expect(alive(started)).toEqual([]);
  });

  it('a second run reuses the data of the first', async () => {
    const products = async (url: string): Promise<string[]> =>
      ((await (await fetch(`${url}/api/v1/products?limit=100`)).json()) as { items: { id: string }[] }).items.map(
        (p) => p.id,
      );
    const first = await startShop();
    const before = await products(first.gatewayUrl);
    const started = descendants(first.pid);
    await first.stop();
    const second = await startShop();
    const after = await products(second.gatewayUrl);
    started.push(...descendants(second.pid));
    await second.stop();
    expect(after).toEqual(before);
    expect(alive(started)).toEqual([]);
  });
});
