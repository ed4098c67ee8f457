// The docker commands the image builds need: is an engine there, does an image exist, build one.

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from '../runtimes/binaries.ts';
import { exec, lastLines } from './exec.ts';

const logDir = join(cacheDir, 'images', 'logs');
const debianBaseScript = resolve(import.meta.dirname, '../runtimes/kind-node/debian-base.sh');

/** Throws a clear error unless a Docker engine answers `docker info`. */
export async function requireDocker(): Promise<void> {
  const info = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  if (info.code !== 0 || !info.stdout.trim())
    throw new Error(
      `no Docker engine answers (docker info: ${lastLines(info.stderr, 1) || 'no answer'}): ` +
        'run npm run cluster, which installs one, or start Docker',
    );
}

/** The local image's ID; '' when there is none. */
async function imageId(ref: string): Promise<string> {
  const out = await exec('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
  return out.code === 0 ? out.stdout.trim() : '';
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await imageId(ref)) !== '';
}

/** The value of one label of a local image; '' when the image or the label is missing. */
export async function imageLabel(ref: string, key: string): Promise<string> {
  const out = await exec('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${key}" }}`, ref]);
  return out.code === 0 ? out.stdout.trim().replace(/^<no value>$/, '') : '';
}

/** The image's size as docker reports it, e.g. "288 MB". */
export async function imageSize(ref: string): Promise<string> {
  const out = await exec('docker', ['image', 'inspect', '--format', '{{.Size}}', ref]);
  return `${Math.round(Number(out.stdout.trim()) / 1e6)} MB`;
}

export interface DockerBuildOptions {
  readonly ref: string;
  readonly dockerfile: string;
  readonly context: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly target?: string;
}

/** `docker build`, its output in ~/.cache/shopstack/images/logs/; on failure the error quotes its tail. */
export async function dockerBuild(opts: DockerBuildOptions): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${opts.ref.replace(/[^\w.-]+/g, '_')}.log`);
  const args = ['build', '--tag', opts.ref, '--file', opts.dockerfile];
  for (const [key, value] of Object.entries(opts.args ?? {})) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(opts.labels ?? {})) args.push('--label', `${key}=${value}`);
  if (opts.target) args.push('--target', opts.target);
  args.push(opts.context);
  const previous = await imageId(opts.ref);
  const code = await run('docker', args, logFile);
  if (code !== 0)
    throw new Error(
      `docker build of ${opts.ref} failed (exit ${code}; log ${logFile}):\n${lastLines(readFileSync(logFile, 'utf8'), 8)}`,
    );
  // the image the tag named before is left without a name by every rebuild: removed, or the disk fills up
  // build by build (docker refuses while another tag or a container still uses it, and that is fine)
  if (previous && previous !== (await imageId(opts.ref))) await exec('docker', ['image', 'rm', previous]);
}

/** shopstack/debian:bookworm (debootstrap + docker import), built by the kind node's script when missing. */
export async function ensureDebianBase(ref: string, progress: (line: string) => void): Promise<void> {
  if (await imageExists(ref)) return;
  progress(`images: building ${ref} (debootstrap, about a minute)`);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'debian-base.log');
  const code = await run('bash', [debianBaseScript, ref], logFile);
  if (code !== 0) throw new Error(`building ${ref} failed:\n${lastLines(readFileSync(logFile, 'utf8'))}`);
}

function run(command: string, args: readonly string[], logFile: string): Promise<number> {
  const fd = openSync(logFile, 'w');
  return new Promise<number>((done) => {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
    child.once('error', () => done(127));
    child.once('exit', (code) => done(code ?? 1));
  }).finally(() => closeSync(fd));
}
