import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../operator/src/kube/client.ts';
import type { KubeObject } from '../operator/src/kube/object.ts';
import { freePort } from '../scripts/common/ports.ts';
import { type ControlPlane, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import {
  condition,
  createNamespace,
  eventually,
  exampleShopStack,
  fastLease,
  type OperatorProcess,
  reportWorkloadsReady,
  startServices,
  startOperatorProcess,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const ns = 'insights';
const resyncMs = 500;

/**
 * The operator's insights against a real kube-apiserver: the test writes pods and their status as the
 * scheduler and the kubelet would (there are none in the test control plane), and reads the ShopStack's
 * Degraded condition and its Events.
 */
describe('operator insights: symptoms as the Degraded condition and Events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-insights-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  let operator: OperatorProcess;

  const shop = (): Promise<Any> => client.get('ShopStack', ns, 'demo');
  const degraded = async () => condition(await shop(), 'Degraded');
  const eventsFor = async (reason: string): Promise<Any[]> =>
    (await client.list('Event', { namespace: ns })).items.filter(
      (e: Any) => e.regarding?.kind === 'ShopStack' && e.reason === reason,
    );

  /** A pod of the shop's `workload`, as its Deployment or StatefulSet would create it. */
  async function createPod(
    name: string,
    workload: string,
    component: string,
    containers: string[],
    port?: number,
  ): Promise<void> {
    await client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: {
          'app.kubernetes.io/name': workload,
          'app.kubernetes.io/instance': 'demo',
          'app.kubernetes.io/component': component,
          'app.kubernetes.io/managed-by': 'shopstack-operator',
        },
      },
      spec: {
        containers: containers.map((c) => ({
          name: c,
          image: `example/${c}:1`,
          ...(port && c === workload && { ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }] }),
        })),
      },
    });
  }
  const setPodStatus = (name: string, status: Record<string, unknown>) =>
    client.mergePatch('Pod', { namespace: ns, name, subresource: 'status' }, { status });
  const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
    client = testClient(controlPlane);
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'operator-insights',
      flags: ['--install-crds', '--resync-ms', String(resyncMs), ...fastLease],
    });
    await createNamespace(client, ns);
    const example = exampleShopStack();
    await client.create({ ...example, metadata: { ...example.metadata, namespace: ns } } as KubeObject);
    // the services come once the data stores are reported ready (no controller-manager here)
    await startServices(client, ns, 'demo');
    // the workloads are applied in parallel: report them ready until every one is there
    await eventually('Ready', async () => {
      await reportWorkloadsReady(client, ns);
      return condition(await shop(), 'Ready')?.status === 'True' ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await operator?.proc.stop();
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a healthy shop with running pods is not Degraded', async () => {
    await createPod('demo-catalog-a', 'catalog', 'app', ['catalog', 'daprd']);
    await setPodStatus('demo-catalog-a', ready);
    // several resyncs later, still fine
    await new Promise((resolve) => setTimeout(resolve, resyncMs * 4));
    expect(await degraded()).toMatchObject({ status: 'False', reason: 'AsExpected', message: 'no problems found' });
  });

  it('pods that cannot be scheduled make it Degraded naming the resource, with one Event however long it lasts', async () => {
    // WHEN two orders pods stay Pending for want of CPU
    const unschedulable = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.',
        },
      ],
    };
    for (const name of ['demo-orders-a', 'demo-orders-b']) {
      await createPod(name, 'orders', 'app', ['orders', 'daprd']);
      await setPodStatus(name, unschedulable);
    }

    // THEN
    const found = await eventually('Degraded', async () => {
      const c = await degraded();
      return c?.message.includes('demo-orders-b') ? c : undefined;
    });
    expect(found.reason).toBe('PodsUnschedulable');
    expect(found.message).toContain('demo-orders-a, demo-orders-b cannot be scheduled (Insufficient cpu)');
    expect(condition(await shop(), 'Ready')?.status).toBe('True');
    await eventually('its Event', async () => ((await eventsFor('PodsUnschedulable')).length > 0 ? true : undefined));
    // many reconciles later (pod updates and resyncs), still one Event
    await setPodStatus('demo-orders-a', {
      ...unschedulable,
      conditions: [
        { ...unschedulable.conditions[0], lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, resyncMs * 6));
    const events = await eventsFor('PodsUnschedulable');
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('Warning');
    expect(events[0].note).toContain('Insufficient cpu');
  });

  it('a pod without its sidecar and a crash-looping one are listed too, each with its own Event', async () => {
    await createPod('demo-cart-a', 'cart', 'app', ['cart']);
    await createPod('demo-payments-a', 'payments', 'app', ['payments', 'daprd']);
    await setPodStatus('demo-payments-a', {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'payments',
          image: 'example/payments:1',
          imageID: '',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
        },
      ],
    });

    const found = await eventually('three symptoms', async () => {
      const c = await degraded();
      return c?.message.startsWith('3 problems') ? c : undefined;
    });
    expect(found.message).toContain('demo-cart-a run without their daprd sidecar');
    expect(found.message).toContain('container payments of demo-payments-a keeps crashing (5 restarts)');
    await eventually('their Events', async () =>
      (await eventsFor('SidecarMissing')).length === 1 && (await eventsFor('CrashLooping')).length === 1
        ? true
        : undefined,
    );
  });

  it('once the pods are gone, it recovers with a Normal Event', async () => {
    for (const name of ['demo-orders-a', 'demo-orders-b', 'demo-cart-a', 'demo-payments-a']) {
      await client.delete('Pod', ns, name);
    }
    await eventually('no longer Degraded', async () => ((await degraded())?.status === 'False' ? true : undefined));
    await eventually('the Recovered Event', async () =>
      (await eventsFor('Recovered')).length === 1 ? true : undefined,
    );
  });

  it("the services' metrics show orders stuck in PENDING and dead-lettered events", async () => {
    // GIVEN an orders and a payments pod whose /metrics (served here, on loopback) report both
    const exposition = [
      'shopstack_orders_stuck_pending{service="orders"} 3',
      'shopstack_deadletter_events_total{topic="orders-deadletter",service="payments"} 2',
      'shopstack_deadletter_events_total{topic="payments-deadletter",service="payments"} 0',
    ].join('\n');
    const port = await freePort();
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain' }).end(exposition);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      for (const [name, workload] of [
        ['demo-orders-m', 'orders'],
        ['demo-payments-m', 'payments'],
      ] as const) {
        await createPod(name, workload, 'app', [workload, 'daprd'], port);
        await setPodStatus(name, { ...ready, podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] });
      }

      // THEN
      const found = await eventually('the metric symptoms', async () => {
        const c = await degraded();
        return c?.message.includes('4 events were dead-lettered') && c.message.includes('PENDING') ? c : undefined;
      });
      expect(found.reason).toBe('OrdersStuck');
      expect(found.message).toContain('3 orders are still PENDING over a minute past their payment deadline');
      expect(found.message).toContain(
        'orders-deadletter: 4 events were dead-lettered since demo-orders-m, demo-payments-m',
      );
      expect(found.message).not.toContain('payments-deadletter');
      await eventually('their Events', async () =>
        (await eventsFor('OrdersStuck')).length === 1 && (await eventsFor('DeadLetters')).length === 1
          ? true
          : undefined,
      );
    } finally {
      server.close();
    }
  });
});
