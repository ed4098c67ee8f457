import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A child process this project started and is responsible for stopping. */
export interface Proc {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended and its log file is written. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has ended. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartProcOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** File that receives stdout and stderr; the process inherits nothing from the terminal. */
  readonly logFile: string;
  /** Run as this user and group (for servers that refuse root, such as Postgres). */
  readonly uid?: number;
  readonly gid?: number;
}

const running = new Set<Proc>();

/** Starts a process in its own process group so that stopping it also stops its children. */
export function startProc(opts: StartProcOptions): Proc {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    uid: opts.uid,
    gid: opts.gid,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      log.write(`failed to start ${opts.command}: ${err.message}\n`);
      resolve('spawn-error');
    });
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  }).then(async (status) => {
    running.delete(proc);
    await new Promise((flushed) => log.end(flushed));
    return status;
  });
  const proc: Proc = {
    name: opts.name,
    logFile: opts.logFile,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const ended = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!ended) {
        signalGroup(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
  running.add(proc);
  return proc;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Stops every process started through startProc that is still running (last started first). */
export async function stopAll(): Promise<void> {
  for (const proc of [...running].reverse()) await proc.stop();
}

/** Last resort on process exit: SIGKILL every process group still running, synchronously. */
export function killAllNow(): void {
  for (const proc of running) if (proc.child.pid !== undefined) signalGroup(proc.child.pid, 'SIGKILL');
}

/** Resolves once every process started through startProc has exited (including any started meanwhile). */
export async function allExited(): Promise<void> {
  while (running.size) await Promise.all([...running].map((proc) => proc.exited));
}

/** Polls `check` until it returns a value other than undefined, or fails with a message after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; proc?: Proc } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    if (opts.proc && (opts.proc.child.exitCode !== null || opts.proc.child.signalCode !== null)) {
      throw new Error(
        `${opts.proc.name} exited before ${what}: ${lastLine(opts.proc.logFile)} (log: ${opts.proc.logFile})`,
      );
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${what}${reason}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

/** The last non-empty line of a log, with a JSON log's `msg` extracted, for one-line start-up errors. */
function lastLine(logFile: string): string {
  if (!existsSync(logFile)) return 'no output';
  const line = readFileSync(logFile, 'utf8').trimEnd().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    if (typeof parsed.msg === 'string') return parsed.msg;
  } catch {
    // not JSON
  }
  return line.slice(0, 300) || 'no output';
}
