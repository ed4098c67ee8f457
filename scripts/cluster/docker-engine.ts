// The Docker engine kind runs on: the one already running, or (on Debian as root) Debian's docker.io.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '../common/proc.ts';
import { cacheDir, findBinary, pathDirs } from '../runtimes/binaries.ts';
import { exec, execOrThrow, lastLines } from './exec.ts';

export type Progress = (line: string) => void;

export interface DockerEngine {
  /** dockerd's pid when this project started it (it keeps running after we exit), else undefined. */
  readonly startedPid?: number;
}

const dockerdLog = join(cacheDir, 'dockerd.log');
const dockerdPidFile = join(cacheDir, 'dockerd.pid');
const shimDir = resolve(import.meta.dirname, 'docker-shim');

async function engineAnswers(): Promise<boolean> {
  return (await exec('docker', ['info', '--format', '{{.ID}}'], { timeoutMs: 10_000 })).code === 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function recordedDockerd(): number | undefined {
  if (!existsSync(dockerdPidFile)) return undefined;
  const pid = Number(readFileSync(dockerdPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** When the dockerd this project started (and that still runs) came up, in ms since the epoch; else undefined. */
export function engineStartedAt(): number | undefined {
  return recordedDockerd() === undefined ? undefined : statSync(dockerdPidFile).mtimeMs;
}

function canInstallDebianDocker(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

async function installDockerIo(progress: Progress): Promise<void> {
  progress("docker: no engine and no dockerd; installing Debian's docker.io with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'docker.io'];
  if ((await exec('apt-get', install, { env })).code === 0) return;
  await execOrThrow('apt-get update', 'apt-get', ['update'], { env });
  await execOrThrow('apt-get install docker.io', 'apt-get', install, { env });
}

/**
 * Starts dockerd in its own session so it outlives this process; its pid goes to dockerd.pid. It runs at
 * normal CPU priority even when a niced build starts it (tests/support/cluster-build.ts): the kind node,
 * a container of this engine, would inherit the build's niceness.
 */
function startDockerd(progress: Progress): number {
  mkdirSync(cacheDir, { recursive: true });
  const log = openSync(dockerdLog, 'a');
  const niceness = getPriority();
  const [command, args] = niceness > 0 ? ['nice', ['-n', String(-niceness), 'dockerd']] : ['dockerd', []];
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  if (child.pid === undefined) throw new Error(`cannot start dockerd (log: ${dockerdLog})`);
  child.unref();
  writeFileSync(dockerdPidFile, `${child.pid}\n`);
  progress(`docker: started dockerd (pid ${child.pid}, log ${dockerdLog})`);
  return child.pid;
}

/** Uses the running Docker engine; on Debian as root, installs and starts Debian's docker.io when there is none. */
export async function ensureDockerEngine(progress: Progress): Promise<DockerEngine> {
  if (await engineAnswers()) return {};
  let pid = recordedDockerd();
  if (pid === undefined) {
    if (!canInstallDebianDocker()) {
      throw new Error(
        'no Docker engine answers `docker info`: install and start Docker (Docker Desktop, Colima, ' +
          "or your distribution's docker package) and make sure your user can reach its socket",
      );
    }
    if (!findBinary('dockerd', [...pathDirs(), '/usr/sbin', '/usr/bin'])) await installDockerIo(progress);
    pid = startDockerd(progress);
  } else {
    progress(`docker: waiting for the dockerd started earlier (pid ${pid})`);
  }
  const started = pid;
  await waitFor(
    'dockerd to answer `docker info`',
    async () => {
      if (!isAlive(started)) throw new Error(`dockerd exited: ${lastLines(readFileSync(dockerdLog, 'utf8'), 3)}`);
      return (await engineAnswers()) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  progress('docker: engine ready');
  return { startedPid: started };
}

const workaroundFlags = [
  '--cap-add=ALL',
  '--cap-drop=SYS_RESOURCE',
  '--security-opt=systempaths=unconfined',
  '--device-cgroup-rule=a *:* rwm',
  '--device=/dev/kmsg',
];

async function probe(image: string, flags: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const result = await exec('docker', ['run', '--rm', ...flags, '--entrypoint', 'true', image], {
    timeoutMs: 60_000,
  });
  return { ok: result.code === 0, output: lastLines(result.stderr, 2) };
}

const probeCacheFile = join(cacheDir, 'privileged-probe.json');

function readProbeCache(): Record<string, boolean> {
  try {
    return JSON.parse(readFileSync(probeCacheFile, 'utf8')) as Record<string, boolean>;
  } catch {
    return {};
  }
}

/**
 * Whether `docker run --privileged` fails on this engine (a VM whose capability set lacks
 * CAP_SYS_RESOURCE) while the same container with every other capability runs. Probed once per
 * engine ID with `image` (any local image with `true`), remembered in privileged-probe.json.
 */
export async function needsPrivilegedWorkaround(image: string): Promise<boolean> {
  const engineId = await execOrThrow('docker info', 'docker', ['info', '--format', '{{.ID}}']);
  const cached = readProbeCache()[engineId];
  if (cached !== undefined) return cached;
  let needed = false;
  const privileged = await probe(image, ['--privileged']);
  if (!privileged.ok) {
    const workaround = await probe(image, workaroundFlags);
    if (!workaround.ok) {
      throw new Error(
        `privileged containers fail on this Docker engine (${privileged.output}), ` +
          `and so do containers with all capabilities but SYS_RESOURCE (${workaround.output})`,
      );
    }
    needed = true;
  }
  writeFileSync(probeCacheFile, JSON.stringify({ ...readProbeCache(), [engineId]: needed }, null, 2) + '\n');
  return needed;
}

/**
 * The environment for running kind: with the workaround, our docker wrapper (docker-shim/docker)
 * leads PATH and rewrites --privileged; it calls the real docker named in SHOPSTACK_REAL_DOCKER.
 */
export function kindEnvironment(privilegedWorkaround: boolean): NodeJS.ProcessEnv {
  if (!privilegedWorkaround) return process.env;
  const realDocker = findBinary(
    'docker',
    pathDirs().filter((dir) => resolve(dir) !== shimDir),
  );
  if (!realDocker) throw new Error('docker is not on PATH');
  return { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}`, SHOPSTACK_REAL_DOCKER: realDocker };
}
