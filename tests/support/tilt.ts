// Tilt as the dev-loop tests drive it: `tilt ci`, `tilt up` in its own process group, and `tilt get`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

export interface TiltOptions {
  readonly tilt: string;
  readonly kubeconfig: string;
  /** Tilt's API/web port; not 10350, so a developer's own `tilt up` is left alone. */
  readonly port: number;
}

export interface UiResource {
  metadata: { name: string; labels?: Record<string, string> };
  status: { runtimeStatus?: string; updateStatus?: string; endpointLinks?: { url: string; name?: string }[] };
}

const env = (opts: TiltOptions): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: opts.kubeconfig });

/** Runs `tilt ci`; resolves with its exit code and the seconds it took; its output goes to `logFile`. */
export function tiltCi(
  opts: TiltOptions,
  logFile: string,
  timeout = '20m',
): Promise<{ code: number; seconds: number }> {
  const began = Date.now();
  const child = spawn(opts.tilt, ['ci', '--port', String(opts.port), '--timeout', timeout], {
    cwd: root,
    env: env(opts),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return new Promise((resolvePromise) =>
    child.once('exit', (code) => resolvePromise({ code: code ?? 1, seconds: (Date.now() - began) / 1000 })),
  );
}

/** Starts `tilt up` as the leader of its own process group, so that stopping it ends its children too. */
export function tiltUp(opts: TiltOptions, logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(opts.tilt, ['up', '--stream', '--port', String(opts.port)], {
    cwd: root,
    env: env(opts),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** `tilt get <kind> -o json` against the running Tilt. */
export async function tiltGet<T>(opts: TiltOptions, kind: string): Promise<T[]> {
  const { stdout } = await run(opts.tilt, ['get', kind, '--port', String(opts.port), '-o', 'json'], {
    cwd: root,
    env: env(opts),
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { items: T[] }).items;
}

const healthy = (status: string | undefined): boolean => status === 'ok' || status === 'not_applicable';

/** Resources that are not yet built and running, by name (empty when all are healthy). */
export function unhealthy(resources: readonly UiResource[]): string[] {
  return resources
    .filter((r) => !healthy(r.status.updateStatus) || !healthy(r.status.runtimeStatus))
    .map((r) => `${r.metadata.name} (${r.status.updateStatus}/${r.status.runtimeStatus})`);
}

/** The image each of Tilt's ImageMaps points at: a new reference means a new image was built. */
export async function builtImages(opts: TiltOptions): Promise<Record<string, string>> {
  const maps = await tiltGet<{ metadata: { name: string }; status?: { image?: string } }>(opts, 'imagemap');
  return Object.fromEntries(maps.map((m) => [m.metadata.name, m.status?.image ?? '']));
}
