// The operator at scale, against a real kube-apiserver: 50 ShopStacks created at once until every one has its
// children and a status; write requests per no-op reconcile (from the API server's audit log); operator RSS.
// Standalone: `npx tsx tests/bench/operator.ts` (or through `npm run bench -- operator`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderShopStack } from '@shopstack/cdk8s';
import { settleLimited } from '../../operator/src/limit.ts';
import { startControlPlane } from '../../scripts/controlplane/controlplane.ts';
import { createNamespace, eventually, startOperatorProcess, testClient } from '../support/operator.ts';

const shops = 50;
const resyncMs = 2000;
const spec = { version: '1.0.0' };

interface ShopStatus {
  observedGeneration?: number;
  conditions?: { type: string; status: string }[];
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

export async function runOperatorBench(): Promise<Record<string, number | string>> {
  // measure what the container runs: the bundle
  execFileSync(process.execPath, [join(import.meta.dirname, '../../operator/src/bundle.ts')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-operator-bench-'));
  // no audit log: it slows every write; the operator's own request counter gives the no-op writes (the
  // integration test checks the same figure against the audit log)
  const controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
  let operator: Awaited<ReturnType<typeof startOperatorProcess>> | undefined;
  try {
    const client = testClient(controlPlane);
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'bench-operator',
      entry: 'bundle',
      flags: ['--install-crds', '--resync-ms', String(resyncMs), '--log-level', 'warn'],
    });
    const leader = operator;
    await eventually('the operator to lead', async () =>
      (await leader.metric('shopstack_leader')) === 1 ? true : undefined,
    );
    // every shop has nine ClusterIP Services, more than the harness's /24 service range holds; the ServiceCIDR
    // API (GA in Kubernetes 1.33) adds a range at run time
    await client.request({
      method: 'POST',
      path: '/apis/networking.k8s.io/v1/servicecidrs',
      body: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'ServiceCIDR',
        metadata: { name: 'bench' },
        spec: { cidrs: ['10.96.0.0/16'] },
      },
    });
    const namespaces = Array.from({ length: shops }, (_, i) => `bench-${i}`);
    for (const ns of namespaces) await createNamespace(client, ns);

    // 50 ShopStacks → every child applied and every status written
    const began = performance.now();
    await Promise.all(
      namespaces.map((namespace) =>
        client.create({
          apiVersion: 'shopstack.io/v1alpha1',
          kind: 'ShopStack',
          metadata: { name: 'shop', namespace },
          spec,
        }),
      ),
    );
    await eventually(
      'every ShopStack to have a status',
      async () => {
        const list = await client.list('ShopStack');
        const done = list.items.filter((shop) => {
          const status = shop.status as ShopStatus | undefined;
          return (
            status?.observedGeneration === 1 &&
            status.conditions?.some((c) => c.type === 'Degraded' && c.status === 'False')
          );
        });
        return done.length === shops ? true : undefined;
      },
      120_000,
    );
    const convergeMs = performance.now() - began;
    const expected = renderShopStack({ name: 'shop', namespace: 'bench-0', spec });
    let children = 0;
    for (const kind of new Set(expected.map((o) => o.kind))) {
      children += (await client.list(kind, { labelSelector: 'app.kubernetes.io/managed-by=shopstack-operator' })).items
        .length;
    }
    if (children !== expected.length * shops) {
      throw new Error(`expected ${expected.length * shops} children, found ${children}`);
    }

    // no-op reconciles: resyncs of a converged fleet
    await sleep(3 * resyncMs);
    const writes = async (): Promise<number> => {
      let total = 0;
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        total += await leader.metric('shopstack_api_requests_total', { method });
        // the leader's heartbeat is a write by design; it is not part of reconciling
        total -= await leader.metric('shopstack_api_requests_total', { method, resource: 'leases' });
      }
      return total;
    };
    const writesBefore = await writes();
    const reconcilesBefore = await operator.metric('shopstack_reconciles_total');
    await sleep(3 * resyncMs);
    const noopReconciles = (await operator.metric('shopstack_reconciles_total')) - reconcilesBefore;
    const noopWrites = (await writes()) - writesBefore;
    const memory = rssMb(operator.proc.child.pid as number);
    const heapMb = Math.round((await operator.metric('nodejs_heap_size_used_bytes')) / 1048576);
    const cpuSeconds = await operator.metric('process_cpu_seconds_total');

    // floor: the same objects written straight from here, as fast as this API server takes them on this
    // machine right now (the machine is shared, so the operator's time is best read against this)
    const floorBegan = performance.now();
    await Promise.all(
      namespaces.map(async (_, i) => {
        const namespace = `floor-${i}`;
        await createNamespace(client, namespace);
        const objects = renderShopStack({ name: 'shop', namespace, spec });
        await settleLimited(objects, 8, (o) => (o.kind === 'Secret' ? client.create(o) : client.apply(o)));
      }),
    );
    const floorMs = performance.now() - floorBegan;

    return {
      shopstacks: shops,
      children_per_shop: expected.length,
      converge_s: Number((convergeMs / 1000).toFixed(2)),
      converge_target_s: 15,
      apiserver_floor_s: Number((floorMs / 1000).toFixed(2)),
      converge_vs_floor: Number((convergeMs / floorMs).toFixed(2)),
      noop_reconciles: noopReconciles,
      writes_per_noop_reconcile: noopReconciles > 0 ? noopWrites / noopReconciles : Number.NaN,
      operator_rss_mb: memory.rss,
      operator_peak_rss_mb: memory.peak,
      operator_heap_used_mb: heapMb,
      operator_cpu_s: Number(cpuSeconds.toFixed(1)),
      rss_target_mb: 150,
    };
  } finally {
    await operator?.proc.stop();
    await controlPlane.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.table(await runOperatorBench());
