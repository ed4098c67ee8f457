import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Pool } from 'undici';

/** The `q` quantile of `samples` (nearest rank); NaN when there are none. */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

/** Sequential GETs on one keep-alive connection, timed with hrtime: sub-millisecond percentiles. */
export async function measureLatency(
  url: string,
  headers: Record<string, string> = {},
  count = 2000,
): Promise<Latency> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const began = process.hrtime.bigint();
      const req = request(url, { agent, headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}: ${body.slice(0, 200)}`));
          else resolve(Number(process.hrtime.bigint() - began) / 1e6);
        });
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 200; i++) await once(); // warm-up: JIT, caches, connection
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await once());
  agent.destroy();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

export interface Throughput {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /**
   * At a fixed rate: the p99 of the answers as they were timed. `p99` is autocannon's, corrected for
   * coordinated omission with an expected interval of ceil(1 / rate per connection) = 1 ms, which adds
   * synthetic samples to every answer slower than that; autocannon's rate is bursty (each connection
   * sends its quota for the second back to back), so the two can differ a lot.
   */
  readonly p99Measured?: number;
  readonly errors: number;
  /** Requests answered in the run (for CPU per request). */
  readonly total: number;
}

/** Requests per second at a fixed concurrency with autocannon. */
export async function measureThroughput(
  url: string,
  opts: { headers?: Record<string, string>; connections?: number; seconds?: number; rate?: number } = {},
): Promise<Throughput> {
  const timed: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url,
        headers: opts.headers,
        connections: opts.connections ?? 10,
        duration: opts.seconds ?? 8,
        // open loop at a fixed rate (requests per second over all connections) when given
        ...(opts.rate ? { overallRate: Math.max(1, Math.round(opts.rate)) } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    if (opts.rate) {
      run.on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) timed.push(ms);
      });
    }
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...(timed.length ? { p99Measured: percentile(timed, 0.99) } : {}),
    errors: result.errors + result.non2xx,
    total: result.requests.total,
  };
}

/**
 * Latency at a constant rate without coordinated omission: request i is due at start + i / rate and its
 * latency counts from then, so a stall anywhere (server, client or host) counts in every request it
 * delays. Unlike autocannon's `overallRate`, which sends each connection's quota for the second back to
 * back, the requests are spread evenly; they share `connections` kept-alive sockets and queue when all
 * are busy. The first `warmupSeconds` (default 2) run the same load unrecorded: this process's HTTP client
 * code is compiled by then (a bare node:http server measured 70 ms p99 on the client's first run here,
 * 3-5 ms on the next ones).
 */
export async function measureAtRate(
  url: string,
  opts: {
    rate: number;
    seconds?: number;
    warmupSeconds?: number;
    headers?: Record<string, string>;
    connections?: number;
  },
): Promise<Latency & { errors: number; total: number }> {
  const warmup = opts.warmupSeconds ?? 2;
  if (warmup > 0) await evenLoad(url, { ...opts, seconds: warmup });
  return evenLoad(url, opts);
}

async function evenLoad(
  url: string,
  opts: { rate: number; seconds?: number; headers?: Record<string, string>; connections?: number },
): Promise<Latency & { errors: number; total: number }> {
  // undici's dispatcher with a bare handler: 29 µs of client CPU per request against node:http's 45 here;
  // with node:http the client kept 0.67-0.76 of the two cores busy at half load, more than the gateway
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: opts.connections ?? 10 });
  const get = { origin: target.origin, path: target.pathname + target.search, method: 'GET', headers: opts.headers };
  const count = Math.round(opts.rate * (opts.seconds ?? 8));
  const latencies: number[] = [];
  let errors = 0;
  let settled = 0;
  let firstError: string | undefined;
  const send = (due: number): void => {
    let status = 0;
    pool.dispatch(get, {
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => undefined,
      onResponseEnd: () => {
        if (status === 200) latencies.push(performance.now() - due);
        else {
          errors++;
          firstError ??= `status ${status}`;
        }
        settled++;
      },
      onResponseError: (_controller, err) => {
        firstError ??= err.message;
        errors++;
        settled++;
      },
    });
  };
  let sent = 0;
  const start = performance.now();
  const dueAt = (i: number): number => start + (i * 1000) / opts.rate;
  while (sent < count) {
    const now = performance.now();
    for (; sent < count && dueAt(sent) <= now; sent++) send(dueAt(sent));
    await sleep(1);
  }
  while (settled < count) await sleep(5);
  await pool.close();
  if (latencies.length === 0) throw new Error(`no GET of ${url} succeeded at ${opts.rate}/s: ${firstError}`);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, total: latencies.length };
}

/**
 * Memory of the given processes and all their descendants, in MB, as PSS (shared pages divided
 * among the processes sharing them): summing RSS would count Postgres' shared buffers once per backend.
 */
export function treeMemoryMb(rootPids: readonly number[]): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let totalKb = 0;
  const queue = [...rootPids];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      totalKb += Number(pss?.[1] ?? 0);
    } catch {
      // gone
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return totalKb / 1024;
}

/** A plain node:http server in its own process that answers every request with `body`. */
export async function startBareServer(body: string): Promise<{ url: string; child: ChildProcess }> {
  const code = `const body = process.env.BODY;
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', code], { env: { BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${Number(chunk.toString().trim())}/`, child };
}
