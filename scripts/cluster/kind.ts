// The kind cluster `shopstack`: kind itself, its node image, and creating, reusing or deleting the cluster.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { waitFor } from '../common/proc.ts';
import { cacheDir, ensureBinary, versions } from '../runtimes/binaries.ts';
import {
  type Progress,
  engineStartedAt,
  ensureDockerEngine,
  kindEnvironment,
  needsPrivilegedWorkaround,
} from './docker-engine.ts';
import { exec, execOrThrow, execStreaming } from './exec.ts';
import { assertPortsFree } from './host-ports.ts';
import { ensureNodeImage, hasBridgeCni } from './node-image.ts';

export { ensureNodeImage, nodeImage } from './node-image.ts';
export type { Progress } from './docker-engine.ts';

export const defaultConfigPath = resolve(import.meta.dirname, '../../kind-config.yaml');
/** The node label kind-config.yaml sets; a cluster without it was not created by us. */
export const markerLabel = 'shopstack.dev/cluster';

export interface ClusterOptions {
  /** Default: shopstack (the name in kind-config.yaml). */
  readonly name?: string;
  /** A kind config file. Default: kind-config.yaml at the repository root. */
  readonly config?: string;
  /** Receives one line per step. Default: stderr. */
  readonly progress?: Progress;
}

export interface KindCluster {
  readonly name: string;
  /** kubeconfig for this cluster only (context kind-<name>); ~/.kube/config is left alone. */
  readonly kubeconfigPath: string;
  readonly context: string;
  /**
   * What this call found: no cluster (it created one), a stopped node (it started it, or Docker did when
   * this project started the engine), or a running one.
   */
  readonly found: ClusterFound;
  /** When the node container last started (ms since the epoch): every pod's containers started since. */
  readonly nodeStartedAt: number;
  /** Docker's id of the node container: a new cluster has a new node and none of the images loaded before. */
  readonly nodeId: string;
  /** kind, and the environment every kind command needs here (PATH may lead with our docker wrapper). */
  readonly kind: KindCommand;
}

export type ClusterFound = 'none' | 'stopped' | 'running';

export interface KindCommand {
  readonly binary: string;
  readonly env: NodeJS.ProcessEnv;
}

const toStderr: Progress = (line) => process.stderr.write(`${line}\n`);

export function kubeconfigPathFor(name: string): string {
  return join(cacheDir, `kind-${name}.kubeconfig`);
}

/** kind <KIND_VERSION> from our cache, else any kind on PATH, else built with scripts/runtimes/build-kind.sh. */
export function ensureKind(progress: Progress = toStderr): Promise<string> {
  return ensureBinary(
    { name: 'kind', folder: `kind-${versions.KIND_VERSION}`, script: 'build-kind.sh', prefer: 'cache' },
    progress,
  );
}

/** The engine, kind, the node image and the privileged probe: what every kind command here needs first. */
async function prepare(progress: Progress): Promise<{ kind: KindCommand; image: string }> {
  await ensureDockerEngine(progress);
  const binary = await ensureKind(progress);
  const image = await ensureNodeImage(progress);
  const workaround = await needsPrivilegedWorkaround(image);
  if (workaround)
    progress('kind: privileged containers fail on this engine; kind runs through scripts/cluster/docker-shim');
  const env = kindEnvironment(workaround);
  // kind's own directory on PATH too, for tools that run `kind load` themselves (Tilt)
  return { kind: { binary, env: { ...env, PATH: `${dirname(binary)}${delimiter}${env.PATH ?? ''}` } }, image };
}

async function clusterExists(kind: KindCommand, name: string): Promise<boolean> {
  const listed = await execOrThrow('kind get clusters', kind.binary, ['get', 'clusters'], { env: kind.env });
  return listed.split('\n').includes(name);
}

/**
 * Whether a running node came up with the engine this project started (Docker restarts it while the engine
 * boots, in its first seconds) rather than being started by someone while the engine ran.
 */
export const startedWithEngine = (nodeStartedAt: number, engineStartedAt: number | undefined): boolean =>
  engineStartedAt !== undefined && nodeStartedAt >= engineStartedAt - 1_000 && nodeStartedAt - engineStartedAt < 30_000;

/**
 * The node container of a one-node cluster, started again if it is stopped (after a reboot). Docker itself
 * may start the node again when its engine starts (kind's restart policy on-failure:1; seen here after an
 * engine killed under a running node, and after a `docker stop` that ended in SIGKILL): when that engine is
 * the one this project just started, the node counts as found stopped, as it was before the engine came up.
 */
async function ensureNodeRunning(
  name: string,
  progress: Progress,
): Promise<{ node: string; wasRunning: boolean; startedAt: number; id: string }> {
  const node = nodeOf(name);
  const before = await nodeState(node);
  if (!before.running) {
    progress(`kind: starting the stopped node ${node}`);
    await execOrThrow(`docker start ${node}`, 'docker', ['start', node]);
    return { node, wasRunning: false, ...(await nodeState(node)) };
  }
  if (startedWithEngine(before.startedAt, engineStartedAt())) {
    progress(
      `kind: Docker restarted the node ${node} when this project started its engine; it counts as found stopped`,
    );
    return { node, wasRunning: false, ...before };
  }
  return { node, wasRunning: true, ...before };
}

const nodeOf = (name: string): string => `${name}-control-plane`;

async function nodeState(node: string): Promise<{ running: boolean; startedAt: number; id: string }> {
  const [running, startedAt, id] = (
    await execOrThrow(`docker inspect ${node}`, 'docker', [
      'inspect',
      '-f',
      '{{.State.Running}} {{.State.StartedAt}} {{.Id}}',
      node,
    ])
  ).split(' ');
  return { running: running === 'true', startedAt: Date.parse(startedAt ?? ''), id: id ?? '' };
}

/**
 * Stops the cluster's node container, which frees its CPU and memory (an idle shop costs about a
 * quarter of a core); the next `npm run cluster` or clusterUp() starts it again with everything in it.
 */
export async function stopCluster(opts: Pick<ClusterOptions, 'name' | 'progress'> = {}): Promise<void> {
  const node = nodeOf(opts.name ?? 'shopstack');
  if (!(await nodeState(node)).running) return;
  (opts.progress ?? toStderr)(`kind: stopping the node ${node}`);
  // systemd in the node stops its pods in order; Docker's default 10 s ends in a SIGKILL
  await execOrThrow(`docker stop ${node}`, 'docker', ['stop', '--time', '60', node]);
}

async function assertOurs(node: string, name: string): Promise<void> {
  const conf = await exec('docker', ['exec', node, 'cat', '/kind/kubeadm.conf']);
  if (conf.code !== 0 || !conf.stdout.includes(`${markerLabel}=`)) {
    throw new Error(
      `a kind cluster named ${name} exists but was not created from kind-config.yaml (its node lacks the ` +
        `${markerLabel} label): delete it with \`kind delete cluster --name ${name}\` or pick another name`,
    );
  }
}

/** The API server answers /readyz from inside the node (no kubectl needed on the host). */
async function waitForApiServer(node: string): Promise<void> {
  const readyz = ['exec', node, 'kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', 'get', '--raw=/readyz'];
  await waitFor(
    'the cluster API server to be ready',
    async () => ((await exec('docker', readyz, { timeoutMs: 10_000 })).code === 0 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 1_000 },
  );
}

/** kind-config.yaml as given, or with kind's default CNI enabled for a node image without our bridge CNI. */
async function effectiveConfig(configPath: string, image: string, name: string, progress: Progress): Promise<string> {
  const config = readFileSync(configPath, 'utf8');
  if (!/^\s*disableDefaultCNI: true/m.test(config) || (await hasBridgeCni(image))) return configPath;
  progress(`kind: ${image} has no bridge CNI config of ours; keeping kind's default CNI (kindnetd)`);
  const patched = join(cacheDir, `kind-${name}-config.yaml`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(patched, config.replace(/^(\s*)disableDefaultCNI: true/m, '$1disableDefaultCNI: false'));
  return patched;
}

/** The host ports the config maps (extraPortMappings on 127.0.0.1). */
function mappedPorts(configPath: string): { host: string; ports: number[] } {
  const config = readFileSync(configPath, 'utf8');
  const ports = [...config.matchAll(/hostPort:\s*(\d+)/g)].map((match) => Number(match[1]));
  const host = /listenAddress:\s*['"]?([\d.]+)/.exec(config)?.[1] ?? '0.0.0.0';
  return { host, ports };
}

/**
 * Creates the kind cluster from kind-config.yaml, or reuses a running one of that name that we created
 * (it carries the shopstack.dev/cluster node label). Its kubeconfig goes to
 * ~/.cache/shopstack/kind-<name>.kubeconfig, never ~/.kube/config.
 */
export async function createOrReuseCluster(opts: ClusterOptions = {}): Promise<KindCluster> {
  const progress = opts.progress ?? toStderr;
  const name = opts.name ?? 'shopstack';
  const configPath = resolve(opts.config ?? defaultConfigPath);
  const kubeconfigPath = kubeconfigPathFor(name);
  const { kind, image } = await prepare(progress);
  const cluster = { name, kubeconfigPath, context: `kind-${name}`, kind };
  if (await clusterExists(kind, name)) {
    const { node, wasRunning, startedAt, id } = await ensureNodeRunning(name, progress);
    await assertOurs(node, name);
    await execOrThrow(
      'kind export kubeconfig',
      kind.binary,
      ['export', 'kubeconfig', '--name', name, '--kubeconfig', kubeconfigPath],
      { env: kind.env },
    );
    await waitForApiServer(node);
    progress(`kind: reusing cluster ${name} (kubeconfig ${kubeconfigPath})`);
    return { ...cluster, found: wasRunning ? 'running' : 'stopped', nodeStartedAt: startedAt, nodeId: id };
  }
  const { host, ports } = mappedPorts(configPath);
  await assertPortsFree(host, ports);
  const config = await effectiveConfig(configPath, image, name, progress);
  progress(`kind: creating cluster ${name} from ${configPath} with ${image}`);
  const began = Date.now();
  const args = ['create', 'cluster', '--name', name, '--config', config, '--image', image];
  await execStreaming(
    kind.binary,
    [...args, '--kubeconfig', kubeconfigPath, '--wait', '3m'],
    (line) => progress(`  ${line}`),
    { env: kind.env },
  );
  progress(
    `kind: cluster ${name} created in ${((Date.now() - began) / 1000).toFixed(0)}s (kubeconfig ${kubeconfigPath})`,
  );
  const created = await nodeState(nodeOf(name));
  return { ...cluster, found: 'none', nodeStartedAt: created.startedAt, nodeId: created.id };
}

/**
 * kind and the environment for commands of your own (kind load, kind export logs) or for tools that call
 * kind and docker themselves (Tilt): PATH leads with our docker wrapper when this engine needs it, then kind.
 */
export async function kindCommand(progress: Progress = toStderr): Promise<KindCommand> {
  return (await prepare(progress)).kind;
}

/** kind load docker-image: copies local images into the cluster's node. */
export async function loadImages(images: readonly string[], opts: ClusterOptions = {}): Promise<void> {
  const kind = await kindCommand(opts.progress ?? toStderr);
  await execOrThrow(
    'kind load docker-image',
    kind.binary,
    ['load', 'docker-image', '--name', opts.name ?? 'shopstack', ...images],
    { env: kind.env },
  );
}

/** Deletes the cluster (a no-op when it does not exist) and its kubeconfig file. */
export async function deleteCluster(opts: Pick<ClusterOptions, 'name' | 'progress'> = {}): Promise<void> {
  const name = opts.name ?? 'shopstack';
  const binary = await ensureKind(opts.progress ?? toStderr);
  await execOrThrow('kind delete cluster', binary, [
    'delete',
    'cluster',
    '--name',
    name,
    '--kubeconfig',
    kubeconfigPathFor(name),
  ]);
}

/** Leaves the cluster as createOrReuseCluster() found it: deleted if it made it, stopped if it started it. */
export async function leaveClusterAsFound(
  found: ClusterFound,
  opts: Pick<ClusterOptions, 'name' | 'progress'> = {},
): Promise<void> {
  if (found === 'none') await deleteCluster(opts);
  else if (found === 'stopped') await stopCluster(opts);
}
