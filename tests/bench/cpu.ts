// CPU time per process of a running stack, read from /proc/<pid>/stat before and after a load in the
// same run. On a shared two-core machine throughput and latency are noisy; CPU per operation is not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Stack } from '../../scripts/local/stack.ts';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Milliseconds of CPU per operation by process name, plus `apps`, `sidecars` and `all` sums. */
export type CpuPerOp = Record<string, number>;

export interface CpuMeter {
  /** CPU spent since the meter started, divided by `ops`. */
  perOp(ops: number): CpuPerOp;
}

/** The processes of a stack by name: each app, its sidecar (`daprd-<app>`), Postgres, Redis, Sentry. */
export function stackProcesses(stack: Stack): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const s of Object.values(stack.services)) {
    if (!s) continue;
    pids[s.name] = s.proc.child.pid ?? 0;
    pids[`daprd-${s.name}`] = s.sidecar.proc.child.pid ?? 0;
  }
  pids.postgres = stack.postgres.proc.child.pid ?? 0;
  pids.redis = stack.redis.proc.child.pid ?? 0;
  pids.sentry = stack.sentry.proc.child.pid ?? 0;
  pids['bench client'] = process.pid;
  return pids;
}

/** What a process of `stackProcesses` is, by its name. */
function kindOf(name: string): 'app' | 'sidecar' | 'store' | 'client' {
  if (name === 'bench client') return 'client';
  if (name.startsWith('daprd-')) return 'sidecar';
  return ['postgres', 'redis', 'sentry'].includes(name) ? 'store' : 'app';
}

interface Stat {
  readonly ppid: number;
  /** utime + stime + cutime + cstime in clock ticks: the process and its children that have ended. */
  readonly ticks: number;
}

function readStats(): Map<number, Stat> {
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // fields after the command name, which may itself hold spaces and parentheses
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      stats.set(Number(entry), { ppid: Number(f[1]), ticks });
    } catch {
      // the process ended while we looked
    }
  }
  return stats;
}

/**
 * Ticks of each root and all its descendants. Postgres backends come and go with connections: those
 * that ended are in their parent's cutime/cstime (the postmaster waits for them), the live ones are summed.
 */
function treeTicks(roots: Record<string, number>): Record<string, number> {
  const stats = readStats();
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    let ticks = 0;
    const queue = [root];
    while (queue.length) {
      const pid = queue.pop() as number;
      ticks += stats.get(pid)?.ticks ?? 0;
      // the bench client's children (pgbench, a bare server) are not part of the stack
      if (kindOf(name) !== 'client') queue.push(...(children.get(pid) ?? []));
    }
    out[name] = ticks;
  }
  return out;
}

/** Starts measuring the CPU of `processes` (name → pid) now. */
export function startCpuMeter(processes: Record<string, number>): CpuMeter {
  const before = treeTicks(processes);
  return {
    perOp(ops) {
      const after = treeTicks(processes);
      const result: CpuPerOp = {};
      const sum = { apps: 0, sidecars: 0, all: 0 };
      for (const name of Object.keys(processes)) {
        const ms = (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / ticksPerSecond / Math.max(ops, 1);
        result[name] = round(ms);
        const kind = kindOf(name);
        if (kind === 'client') continue;
        sum.all += ms;
        if (kind === 'sidecar') sum.sidecars += ms;
        else if (kind === 'app') sum.apps += ms;
      }
      return { ...result, apps: round(sum.apps), sidecars: round(sum.sidecars), all: round(sum.all) };
    },
  };
}

/**
 * Peak resident memory (VmHWM) in MiB since start: the sum over the apps, over the sidecars, and the
 * largest app's. What a setting traded for CPU (a larger young generation, a laxer GC) costs in memory.
 */
export function peakRssMiB(processes: Record<string, number>): { apps: number; sidecars: number; largestApp: number } {
  const sum = { apps: 0, sidecars: 0, largestApp: 0 };
  for (const [name, pid] of Object.entries(processes)) {
    const kind = kindOf(name);
    if (kind === 'client' || kind === 'store') continue;
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
    if (kind === 'sidecar') sum.sidecars += kib / 1024;
    else {
      sum.apps += kib / 1024;
      sum.largestApp = Math.max(sum.largestApp, kib / 1024);
    }
  }
  return { apps: Math.round(sum.apps), sidecars: Math.round(sum.sidecars), largestApp: Math.round(sum.largestApp) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * With BENCH_CPU_PROF=<dir>, every app of the stack writes a V8 CPU profile there when it stops
 * (open it in Chrome DevTools, or summarise it with `node tests/bench/profile-top.ts <file>`), and the
 * stack's sidecars serve Go's pprof (start it with `profileSidecars: profiling`; see captureSidecarProfiles).
 */
export function profilingEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(dir)}` } : {};
}

export const profiling: boolean = Boolean(process.env.BENCH_CPU_PROF);

/**
 * With BENCH_CPU_PROF=<dir>, records a Go CPU profile of every sidecar over the next `seconds` into
 * `<dir>/daprd-<app>-<label>.pb.gz` (`go tool pprof -top <daprd binary> <file>`); a no-op otherwise.
 */
export async function captureSidecarProfiles(stack: Stack, seconds: number, label: string): Promise<void> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await Promise.all(
    Object.values(stack.services).map(async ({ name, sidecar }) => {
      const port = sidecar.ports.profile;
      if (!port) throw new Error(`the sidecar of ${name} serves no profile: start the stack with profileSidecars`);
      const res = await fetch(`http://127.0.0.1:${port}/debug/pprof/profile?seconds=${Math.ceil(seconds)}`);
      if (!res.ok) throw new Error(`pprof of daprd-${name} answered ${res.status}: ${await res.text()}`);
      writeFileSync(join(dir, `daprd-${name}-${label}.pb.gz`), Buffer.from(await res.arrayBuffer()));
    }),
  );
}

/**
 * Share of the machine's CPU time that the hypervisor gave to others while the guest wanted it (`steal`
 * in /proc/stat), from now until `percent()` is read. On this Firecracker guest it climbs when both
 * vCPUs are busy, and a vCPU then stops for up to ~30 ms: a tail no process here can avoid.
 */
export function startStealMeter(): { percent(): number } {
  const read = (): number[] =>
    (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const before = read();
  return {
    percent() {
      const delta = read().map((v, i) => v - (before[i] ?? 0));
      const total = delta.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal; guest time is inside user
      return total > 0 ? Number(((100 * (delta[7] ?? 0)) / total).toFixed(1)) : Number.NaN;
    },
  };
}
