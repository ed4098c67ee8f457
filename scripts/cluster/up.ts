// `npm run cluster`, as a function the end-to-end test calls too: a Docker engine, the kind cluster,
// the images, Dapr's control plane, Traefik, the operator and a ShopStack, each step timed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { waitFor } from '../common/proc.ts';
import { cacheDir, ensureBinary, helmRecipe } from '../runtimes/binaries.ts';
import {
  type ClusterTools,
  installDapr,
  installOperator,
  installTraefik,
  kubectl,
  kubectlBinary,
  operatorNamespace,
} from './addons.ts';
import { execOrThrow } from './exec.ts';
import { ensureDockerEngine } from './docker-engine.ts';
import { allImageRefs, buildImages, type ImageSet, shopVersion } from './images.ts';
import { type ClusterFound, createOrReuseCluster, kindCommand, loadImages, markerLabel } from './kind.ts';
import { installKeda } from './keda.ts';
import { ensureKubeletServingCertificate, installMetricsServer } from './metrics-server.ts';
import { keepServiceTrafficOnNode } from './node-egress.ts';
import { installNetworkPolicyEnforcer } from './network-policy.ts';
import { afterLoading, imagesToLoad, readLoadedImages, writeLoadedImages } from './loaded-images.ts';

export type Progress = (line: string) => void;

export const shopManifest = resolve(import.meta.dirname, '../../operator/examples/kind.yaml');
export const shopNamespace = 'shop';
export const shopName = 'shop';
/** The ShopStack kind, fully qualified: a bare `shopstack` may also name a category of several kinds. */
export const shopKind = 'shopstacks.shopstack.io';
/** Where kind publishes the ingress controller (kind-config.yaml). */
export const ingressUrl = 'http://127.0.0.1';

export interface ClusterUpOptions {
  readonly progress: Progress;
  /** Apply operator/examples/kind.yaml and wait until the shop is Ready (default true). */
  readonly shop?: boolean;
  /** Told what was found as soon as the cluster is up, so a caller can leave it as found if a later step fails. */
  readonly onFound?: (found: ClusterFound) => void;
}

export interface ClusterUp {
  readonly tools: ClusterTools;
  /** What clusterUp found: no cluster (it created one), a stopped node (it started it), or a running one. */
  readonly found: ClusterFound;
  /** Seconds per step, in order. */
  readonly timings: readonly { readonly step: string; readonly seconds: number }[];
}

/** Docker's image ids as last loaded into the node, so a re-run loads (and restarts) only what changed. */
const loadedFile = join(cacheDir, 'kind-shopstack.loaded-images.json');

async function loadChangedImages(refs: readonly string[], node: string, progress: Progress): Promise<string[]> {
  const record = readLoadedImages(loadedFile);
  const ids = Object.fromEntries(
    await Promise.all(
      refs.map(async (ref) => [
        ref,
        await execOrThrow(`docker image inspect ${ref}`, 'docker', ['image', 'inspect', '--format', '{{.Id}}', ref]),
      ]),
    ),
  );
  const changed = imagesToLoad(record, node, ids);
  if (changed.length) {
    progress(`kind load: ${changed.length} of ${refs.length} images are new or changed in this node`);
    await loadImages(changed, { progress });
  }
  writeLoadedImages(loadedFile, afterLoading(record, node, ids));
  return changed;
}

/** Pods keep the image they started with when a tag is reloaded: restart what runs a changed image. */
async function restartWorkloadsOf(
  tools: ClusterTools,
  changed: readonly string[],
  images: ImageSet,
  progress: Progress,
): Promise<void> {
  const restart = async (namespace: string, selector: string, what: string): Promise<void> => {
    const names = await kubectl(tools, ['-n', namespace, 'get', 'deployments', '-l', selector, '-o', 'name']).catch(
      () => '',
    );
    for (const name of names.split('\n').filter(Boolean)) {
      progress(`restarting ${namespace}/${name} (${what} changed)`);
      await kubectl(tools, ['-n', namespace, 'rollout', 'restart', name]);
    }
  };
  if (changed.includes(images.operator))
    await restart(operatorNamespace, 'app.kubernetes.io/name=shopstack-operator', 'operator image');
  // every service runs a sidecar injected from the daprd image
  const daprdChanged = changed.includes(images.dapr.images.daprd);
  for (const [service, ref] of [
    ...Object.entries(images.services),
    ['dashboard', images.dashboard],
    ['storefront', images.storefront],
  ] as [string, string][]) {
    if (changed.includes(ref)) await restart(shopNamespace, `app.kubernetes.io/name=${service}`, `${service} image`);
    else if (daprdChanged && service in images.services)
      await restart(shopNamespace, `app.kubernetes.io/name=${service}`, 'daprd image');
  }
}

interface PodState {
  metadata: {
    namespace: string;
    name: string;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec: { containers: { name: string }[] };
  status: {
    phase: string;
    containerStatuses?: ContainerState[];
  };
}

interface ContainerState {
  ready: boolean;
  state: { running?: { startedAt: string } };
}

const pods = async (tools: ClusterTools): Promise<PodState[]> =>
  (JSON.parse(await kubectl(tools, ['get', 'pods', '-A', '-o', 'json'])) as { items: PodState[] }).items;

const wantsSidecarButLacksIt = (p: PodState): boolean =>
  p.metadata.annotations?.['dapr.io/enabled'] === 'true' && !p.spec.containers.some((c) => c.name === 'daprd');

/**
 * Waits until every live pod in `namespaces` passes `ok` (and, with `untilTerminatedGone`, none is still
 * terminating), twice in a row 5 s apart so that nothing relies on a stale status, saying every 30 s which
 * pods it still waits for. `onLook` sees the live pods of each look.
 */
async function waitForPods(
  tools: ClusterTools,
  what: string,
  ok: (pod: PodState) => boolean,
  progress: Progress,
  opts: {
    namespaces?: (namespace: string) => boolean;
    onLook?: (live: readonly PodState[]) => Promise<void>;
    /** Whether no pod at all counts as done (default: it does not, a restarting node shows none for a while). */
    noneIsDone?: boolean;
    /** Whether a pod still terminating keeps the wait going (default: terminating pods are ignored). */
    untilTerminatedGone?: boolean;
    /** What else is not done yet once the pods are, by name (e.g. Deployments still rolling out). */
    alsoWaitingFor?: () => Promise<string[]>;
  } = {},
): Promise<void> {
  const inScope = opts.namespaces ?? (() => true);
  let settled = 0;
  let lastReport = Date.now();
  await waitFor(
    what,
    async () => {
      const current = (await pods(tools)).filter(
        (p) => inScope(p.metadata.namespace) && !['Succeeded', 'Failed'].includes(p.status.phase),
      );
      const live = current.filter((p) => !p.metadata.deletionTimestamp);
      await opts.onLook?.(live);
      const name = (p: PodState): string => `${p.metadata.namespace}/${p.metadata.name}`;
      const notReady = live.filter((p) => !ok(p)).map(name);
      const terminating = opts.untilTerminatedGone ? current.filter((p) => p.metadata.deletionTimestamp) : [];
      const waiting = [...notReady, ...terminating.map((p) => `${name(p)} (terminating)`)];
      // asked only once the pods look done: until then it cannot be either (and costs a kubectl call)
      if (waiting.length === 0) waiting.push(...((await opts.alsoWaitingFor?.()) ?? []));
      if (waiting.length && Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        progress(`  ${live.length - notReady.length} of ${live.length} pods ready; waiting for ${waiting.join(', ')}`);
      }
      settled = waiting.length === 0 && (live.length > 0 || opts.noneIsDone) ? settled + 1 : 0;
      return settled >= 2 ? true : undefined;
    },
    { timeoutMs: 10 * 60_000, intervalMs: 5_000 },
  );
}

/**
 * After its node restarts, the API server still shows every pod as it was before the stop until the
 * kubelet has restarted it: waits until each pod's containers run again, started since `since`, and ready.
 */
const waitForPodsRestarted = (
  tools: ClusterTools,
  since: number,
  progress: Progress,
  namespaces?: (namespace: string) => boolean,
): Promise<void> =>
  waitForPods(
    tools,
    'every pod to run again after the node restart',
    (p) => {
      const containers = p.status.containerStatuses ?? [];
      return (
        containers.length > 0 &&
        containers.every(
          (c) => c.ready && c.state.running !== undefined && Date.parse(c.state.running.startedAt) >= since - 1_000,
        )
      );
    },
    progress,
    { namespaces },
  );

/**
 * Dapr's injector answers with failurePolicy Ignore: a pod created while it was down (right after a node
 * restart) runs without its daprd for ever. Deletes such pods; their ReplicaSets create them again, injected.
 */
async function reinjectSidecarlessPods(
  tools: ClusterTools,
  live: readonly PodState[],
  progress: Progress,
): Promise<void> {
  for (const p of live.filter(wantsSidecarButLacksIt)) {
    progress(`deleting ${p.metadata.namespace}/${p.metadata.name}: created without its Dapr sidecar`);
    await kubectl(tools, ['-n', p.metadata.namespace, 'delete', 'pod', p.metadata.name, '--wait=false']);
  }
}

interface DeploymentState {
  metadata: { name: string; generation: number };
  spec: { replicas?: number };
  status: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** The shop's Deployments whose rollout is not complete (old pods still running, new ones not available). */
async function rollingDeployments(tools: ClusterTools): Promise<string[]> {
  const list = JSON.parse(await kubectl(tools, ['-n', shopNamespace, 'get', 'deployments', '-o', 'json'])) as {
    items: DeploymentState[];
  };
  return list.items
    .filter(({ metadata, spec, status }) => {
      const want = spec.replicas ?? 1;
      return (
        (status.observedGeneration ?? 0) < metadata.generation ||
        (status.updatedReplicas ?? 0) !== want ||
        (status.replicas ?? 0) !== want ||
        (status.availableReplicas ?? 0) !== want
      );
    })
    .map(({ metadata }) => `deployment ${shopNamespace}/${metadata.name} (rolling out)`);
}

/**
 * Waits until every shop pod is ready with its sidecar, replacing any pod created without one, and every
 * shop Deployment has rolled out with no replaced pod still terminating.
 */
const waitForShopPods = (tools: ClusterTools, progress: Progress): Promise<void> =>
  waitForPods(
    tools,
    'every shop pod ready, with its Dapr sidecar',
    (p) => {
      const containers = p.status.containerStatuses ?? [];
      return !wantsSidecarButLacksIt(p) && containers.length > 0 && containers.every((c) => c.ready);
    },
    progress,
    {
      namespaces: (namespace) => namespace === shopNamespace,
      onLook: (live) => reinjectSidecarlessPods(tools, live, progress),
      noneIsDone: true,
      // a pod replaced by a rollout or by the repair above still shows as Running while it shuts down
      untilTerminatedGone: true,
      alsoWaitingFor: () => rollingDeployments(tools),
    },
  );

/** The admin Secret the kind ShopStack names: created once with a random password, never printed. */
export async function ensureAdminSecret(tools: ClusterTools, progress: Progress): Promise<void> {
  await kubectl(
    tools,
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: shopNamespace } }),
  );
  const existing = await kubectl(tools, [
    '-n',
    shopNamespace,
    'get',
    'secret',
    'shop-admin',
    '--ignore-not-found',
    '-o',
    'name',
  ]);
  if (existing) return;
  progress(`creating Secret ${shopNamespace}/shop-admin (admin@shop.test, a random password)`);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'shop-admin', namespace: shopNamespace },
    type: 'Opaque',
    stringData: { email: 'admin@shop.test', password: randomBytes(16).toString('hex') },
  };
  await kubectl(tools, ['create', '-f', '-'], JSON.stringify(secret));
}

/** The admin's credentials, read from the cluster (tests and the README's walk-through use them). */
export async function adminCredentials(tools: ClusterTools): Promise<{ email: string; password: string }> {
  const data = JSON.parse(
    await kubectl(tools, ['-n', shopNamespace, 'get', 'secret', 'shop-admin', '-o', 'jsonpath={.data}']),
  );
  const decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8');
  return { email: decode(data.email), password: decode(data.password) };
}

/** Applies the kind ShopStack and waits until the operator reports it Ready. */
export async function applyShop(tools: ClusterTools, progress: Progress): Promise<void> {
  await ensureAdminSecret(tools, progress);
  // a test stopped while it held new pods back (tests/cluster/autoscaling.test.ts) leaves the node cordoned
  await kubectl(tools, ['uncordon', '-l', markerLabel]);
  const manifest = readFileSync(shopManifest, 'utf8');
  const spec = manifestShopSpec(manifest);
  // a reused cluster's shop at another version (a run stopped mid-upgrade) would refuse the manifest's
  // older one: it starts afresh
  const running = await kubectl(tools, [
    '-n',
    shopNamespace,
    'get',
    shopKind,
    shopName,
    '--ignore-not-found',
    '-o',
    'jsonpath={.status.version}',
  ]);
  if (running && running !== spec.version) {
    progress(`the shop runs ${running}; re-creating it at ${spec.version}`);
    await deleteShop(tools);
  }
  progress(`applying ${shopManifest}`);
  await kubectl(tools, ['apply', '-f', '-'], manifest);
  // `apply` keeps fields it never set: a test stopped half-way may have left the reused shop patched, say
  // with TLS on. Its spec goes back to the manifest's, whole; unchanged, this writes nothing.
  const generation = await kubectl(tools, [
    '-n',
    shopNamespace,
    'patch',
    `${shopKind}/${shopName}`,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec', value: spec }]),
    '-o',
    'jsonpath={.metadata.generation}',
  ]);
  progress('waiting for the ShopStack to be Ready (kubectl get shop -n shop)');
  for (const condition of [`jsonpath={.status.observedGeneration}=${generation.trim()}`, 'condition=Ready'])
    await kubectl(tools, [
      '-n',
      shopNamespace,
      'wait',
      `--for=${condition}`,
      `${shopKind}/${shopName}`,
      '--timeout=15m',
    ]);
  await waitForShopPods(tools, progress);
}

/**
 * Deletes the demo shop and waits until its workloads are gone. In the foreground: a background delete
 * let a shop created right after adopt the old Redis, whose data kept the old password while the new
 * Secret had a new one (WRONGPASS crash loops).
 */
export async function deleteShop(tools: ClusterTools): Promise<void> {
  await kubectl(tools, ['-n', shopNamespace, 'delete', shopKind, shopName, '--cascade=foreground', '--timeout=5m']);
  await kubectl(tools, [
    '-n',
    shopNamespace,
    'wait',
    '--for=delete',
    'deployments,statefulsets',
    '-l',
    `app.kubernetes.io/instance=${shopName}`,
    '--timeout=3m',
  ]).catch((err: Error) => {
    // nothing left to wait for
    if (!/no matching resources/i.test(err.message)) throw err;
    return '';
  });
}

/** The spec of the ShopStack in the demo manifest (which also holds its Namespace). */
function manifestShopSpec(manifest: string): { version: string } {
  const shop = parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as { kind?: string; spec?: { version: string } })
    .find((doc) => doc.kind === 'ShopStack');
  if (!shop?.spec?.version) throw new Error(`${shopManifest} holds no ShopStack with a spec.version`);
  return shop.spec;
}

type Timings = { step: string; seconds: number }[];

/** Runs named steps, saying when each starts and how long it took, and records their seconds in `timings`. */
function stepper(progress: Progress, timings: Timings) {
  return async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const began = Date.now();
    progress(`==> ${name}`);
    const result = await run();
    const seconds = Math.round((Date.now() - began) / 1000);
    timings.push({ step: name, seconds });
    progress(`    ${name}: ${seconds}s`);
    return result;
  };
}

/**
 * `npm run cluster -- --prepare`: builds or reuses everything a cluster runs (kind, its node image, every
 * image) and creates nothing. On a new machine this is about 24 minutes of Go and image builds; `.ci/run`
 * runs it before the tests, so the first cluster test's bring-up starts from a warm cache.
 */
export async function prepareCluster(progress: Progress): Promise<Timings> {
  const timings: Timings = [];
  const step = stepper(progress, timings);
  // what every kind command needs first: the engine, kind and its node image
  await step('Docker engine, kind and its node image', () => kindCommand(progress));
  await step('images', () => buildImages({ progress }));
  await step('helm', () => ensureBinary(helmRecipe, progress));
  return timings;
}

export async function clusterUp(opts: ClusterUpOptions): Promise<ClusterUp> {
  const { progress } = opts;
  const timings: Timings = [];
  const step = stepper(progress, timings);

  await step('Docker engine', () => ensureDockerEngine(progress));
  const cluster = await step('kind cluster', () => createOrReuseCluster({ progress }));
  opts.onFound?.(cluster.found);
  await step('Service traffic kept on the node', () => keepServiceTrafficOnNode(cluster.nodeId, progress));
  // the shop's own images are rebuilt every time (seconds when unchanged): a tag never hides old code
  const images = await step('images', () => buildImages({ progress, refresh: ['services', 'operator'] }));
  const changed = await step('load images into the node', () =>
    loadChangedImages(allImageRefs(images), cluster.nodeId, progress),
  );
  const helm = await step('helm', () => ensureBinary(helmRecipe, progress));
  const tools: ClusterTools = { kubeconfig: cluster.kubeconfigPath, kubectl: kubectlBinary(), helm, images };
  // after a node (re)start, the control plane and Dapr's injector first: a shop pod created before the
  // injector answers has no sidecar. Cheap on a node that has run for a while (two looks 5 s apart).
  if (cluster.found !== 'none')
    await step('control plane running since the node started', () =>
      waitForPodsRestarted(tools, cluster.nodeStartedAt, progress, (namespace) => namespace !== shopNamespace),
    );
  // before anything reads pod logs: a kubelet waiting for its serving certificate answers none
  await step("the kubelet's serving certificate", () =>
    ensureKubeletServingCertificate(tools, cluster.nodeId, progress),
  );
  // KEDA's CRDs before the operator: it renders ScaledObjects where they are served
  await step('Dapr control plane, Traefik, the NetworkPolicy enforcer, metrics-server and KEDA', () =>
    Promise.all([
      installDapr(tools, progress),
      installTraefik(tools, progress),
      installNetworkPolicyEnforcer(tools, progress, changed.includes(images.kubeRouter)),
      installMetricsServer(tools, progress, changed.includes(images.metricsServer)),
      installKeda(tools, progress, changed.includes(images.keda.operator) || changed.includes(images.keda.adapter)),
    ]),
  );
  await step('operator', () => installOperator(tools, shopVersion(), progress));
  await restartWorkloadsOf(tools, changed, images, progress);
  if (cluster.found !== 'none') await step('shop pods', () => waitForShopPods(tools, progress));
  if (opts.shop ?? true) await step('ShopStack', () => applyShop(tools, progress));
  return { tools, found: cluster.found, timings };
}
