import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { KubeClient } from '../../operator/src/kube/client.ts';
import { loadCredentials } from '../../operator/src/kube/credentials.ts';
import type { KubeObject } from '../../operator/src/kube/object.ts';
import type { ControlPlane } from '../../scripts/controlplane/controlplane.ts';
import { freePort } from '../../scripts/common/ports.ts';
import { type Proc, startProc, waitFor } from '../../scripts/common/proc.ts';

const root = resolve(import.meta.dirname, '../..');

export interface OperatorProcess {
  readonly name: string;
  readonly proc: Proc;
  readonly logFile: string;
  /** The value of one metric series (summed over labels matching `labels`), 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** The sample lines of one metric, e.g. `name{a="b"} 1`, in the order served. */
  samples(name: string): Promise<string[]>;
}

/** V8 settings of the operator's container (charts/shopstack-operator values.yaml, nodeOptions). */
export const operatorNodeOptions = '--max-semi-space-size=1 --max-old-space-size=128 --v8-pool-size=1';

/** Fast leader election for tests: a dead leader is replaced within about three seconds. */
export const fastLease = ['--lease-duration-ms', '3000', '--renew-deadline-ms', '2000', '--retry-period-ms', '500'];

/** Runs the operator as its own process (as in a pod), on a free metrics port, logging to `dir`. */
export async function startOperatorProcess(opts: {
  controlPlane: ControlPlane;
  dir: string;
  name: string;
  flags?: readonly string[];
  /** Another identity than the admin's, e.g. one impersonating a ServiceAccount. */
  kubeconfigPath?: string;
  env?: Readonly<Record<string, string>>;
  /** What to run: the sources (default) or the bundle `npm run build -w @shopstack/operator` makes. */
  entry?: 'source' | 'bundle';
}): Promise<OperatorProcess> {
  const port = await freePort();
  const logFile = join(opts.dir, `${opts.name}.log`);
  const proc = startProc({
    name: opts.name,
    command: process.execPath,
    args: [
      join(root, 'operator/src/main.ts'),
      '--metrics-port',
      String(port),
      '--identity',
      opts.name,
      ...(opts.flags ?? []),
    ],
    env: {
      ...process.env,
      KUBECONFIG: opts.kubeconfigPath ?? opts.controlPlane.kubeconfigPath,
      METRICS_HOST: '127.0.0.1',
      // the operator's own settings, as in its container (see charts/shopstack-operator)
      NODE_OPTIONS: process.env.SHOPSTACK_OPERATOR_NODE_OPTIONS ?? operatorNodeOptions,
      MALLOC_ARENA_MAX: '2',
      ...opts.env,
    },
    cwd: root,
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${opts.name} to serve /healthz (see ${logFile})`,
    async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
    {
      proc,
      timeoutMs: 30_000,
    },
  );
  return {
    name: opts.name,
    proc,
    logFile,
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const series = match[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += Number(match[3]);
      }
      return sum;
    },
    async samples(name) {
      const text = await (await fetch(`${url}/metrics`)).text();
      return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    },
  };
}

/** A client for the test's own requests; its user agent keeps them apart from the operator's in the audit log. */
export function testClient(controlPlane: ControlPlane): KubeClient {
  return new KubeClient(loadCredentials({ KUBECONFIG: controlPlane.kubeconfigPath }), { userAgent: 'shopstack-test' });
}

export function exampleShopStack(): KubeObject & { spec: Record<string, unknown> } {
  return parse(readFileSync(join(root, 'operator/examples/shopstack.yaml'), 'utf8'));
}

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Polls until `check` returns a value; fails naming `what`. */
export function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return waitFor(what, check, { timeoutMs, intervalMs: 100 });
}

export function condition(
  shop: KubeObject,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const status = shop.status as
    { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined;
  return status?.conditions?.find((c) => c.type === type);
}

interface Workload extends KubeObject {
  spec: { replicas?: number };
}

/**
 * Writes the status the Deployment and StatefulSet controllers (and the kubelet behind them) would
 * write once every replica runs: there is no controller-manager in the test control plane.
 */
/**
 * A new shop's service Deployments wait for its data stores (operator/src/reconcile/upgrade.ts): with no
 * controller-manager here, report the workloads ready until `shop`'s gateway Deployment is there.
 */
export async function startServices(client: KubeClient, namespace: string, shop: string): Promise<void> {
  await eventually(`${shop}'s services`, async () => {
    await reportWorkloadsReady(client, namespace);
    return client.get('Deployment', namespace, `${shop}-gateway`).catch(() => undefined);
  });
}

export async function reportWorkloadsReady(client: KubeClient, namespace: string): Promise<void> {
  for (const kind of ['Deployment', 'StatefulSet']) {
    const list = await client.list<Workload>(kind, { namespace });
    for (const item of list.items) {
      const replicas = item.spec.replicas ?? 1;
      const status = {
        observedGeneration: item.metadata.generation,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        ...(kind === 'Deployment' ? { availableReplicas: replicas } : { currentReplicas: replicas }),
      };
      await client.mergePatch(kind, { namespace, name: item.metadata.name, subresource: 'status' }, { status });
    }
  }
}
