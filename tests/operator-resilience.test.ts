import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../operator/src/kube/client.ts';
import { type ControlPlane, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import {
  createNamespace,
  eventually,
  fastLease,
  type OperatorProcess,
  startOperatorProcess,
  startServices,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const leaseMs = 3000;

function shopStack(namespace: string, replicas = 1): Any {
  return {
    apiVersion: 'shopstack.io/v1alpha1',
    kind: 'ShopStack',
    metadata: { name: 'demo', namespace },
    spec: { version: '1.0.0', services: { orders: { replicas } } },
  };
}

describe('ShopStack operator under failure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-operator-ha-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  const operators: OperatorProcess[] = [];

  const leaders = async (): Promise<OperatorProcess[]> => {
    const running = operators.filter((o) => o.proc.child.exitCode === null && o.proc.child.signalCode === null);
    const flags = await Promise.all(running.map((o) => o.metric('shopstack_leader')));
    return running.filter((_, i) => flags[i] === 1);
  };
  const ordersReplicas = async (namespace: string): Promise<number | undefined> =>
    ((await client.get('Deployment', namespace, 'demo-orders').catch(() => undefined)) as Any)?.spec.replicas;

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
    client = testClient(controlPlane);
    // the server ends every watch after 2 s, so the tests below run across many watch restarts
    const flags = ['--install-crds', '--watch-timeout-seconds', '2', ...fastLease];
    for (const name of ['operator-a', 'operator-b']) {
      operators.push(await startOperatorProcess({ controlPlane, dir, name, flags }));
    }
  });

  afterAll(async () => {
    await Promise.all(operators.map((o) => o.proc.stop()));
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('of two operator processes, exactly one leads and reconciles', async () => {
    // WHEN
    const [leader] = await eventually('a leader', async () => ((await leaders()).length > 0 ? leaders() : undefined));
    await createNamespace(client, 'one');
    await client.create(shopStack('one'));
    await startServices(client, 'one', 'demo');
    await eventually('the shop to be reconciled', () => ordersReplicas('one'));

    // THEN
    expect((await leaders()).map((o) => o.name)).toEqual([leader?.name]);
    const lease: Any = await client.get('Lease', 'default', 'shopstack-operator');
    expect(lease.spec.holderIdentity).toBe(leader?.name);
    const standby = operators.find((o) => o !== leader) as OperatorProcess;
    expect(await standby.metric('shopstack_reconciles_total')).toBe(0);
  });

  it('when the leader dies, the other takes over within the lease time and reconciles', async () => {
    // GIVEN
    const [leader] = await leaders();
    const standby = operators.find((o) => o !== leader) as OperatorProcess;

    // WHEN the leader is killed (no chance to hand the lease over) and the shop changes
    const killedAt = Date.now();
    leader?.proc.child.kill('SIGKILL');
    await leader?.proc.exited;
    await client.mergePatch(
      'ShopStack',
      { namespace: 'one', name: 'demo' },
      { spec: { services: { orders: { replicas: 2 } } } },
    );

    // THEN the standby leads once the lease has run out (plus a retry period or two)
    await eventually('the standby to lead', async () =>
      (await standby.metric('shopstack_leader')) === 1 ? true : undefined,
    );
    expect(Date.now() - killedAt).toBeLessThan(leaseMs + 2000);
    // AND reconciles the change made while nobody led
    await eventually(
      'the standby to scale orders',
      async () => ((await ordersReplicas('one')) === 2 ? true : undefined),
      20_000,
    );
  });

  it('on SIGTERM, the leader finishes, hands the lease over and exits 0; a standby takes over at once', async () => {
    // GIVEN a fresh standby next to the current leader
    const [leader] = await leaders();
    const standby = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'operator-c',
      flags: ['--watch-timeout-seconds', '2', ...fastLease],
    });
    operators.push(standby);

    // WHEN
    const stoppedAt = Date.now();
    leader?.proc.child.kill('SIGTERM');

    // THEN
    expect(await leader?.proc.exited).toBe(0);
    await eventually('the standby to lead', async () =>
      (await standby.metric('shopstack_leader')) === 1 ? true : undefined,
    );
    // released, not expired: well inside the lease duration
    expect(Date.now() - stoppedAt).toBeLessThan(leaseMs);
  });

  it('when the API server restarts, no change is lost', async () => {
    // GIVEN
    await createNamespace(client, 'two');

    // WHEN
    await controlPlane.restartApiServer();
    await client.create(shopStack('two', 2));
    await client.delete('Deployment', 'one', 'demo-cart');
    await startServices(client, 'two', 'demo');

    // THEN
    await eventually('the new shop to be reconciled', async () =>
      (await ordersReplicas('two')) === 2 ? true : undefined,
    );
    await eventually('the deleted Deployment to return', () =>
      client.get('Deployment', 'one', 'demo-cart').catch(() => undefined),
    );
  });

  it('across many expired watches, every change is seen', async () => {
    // WHEN changes are spread over several watch lifetimes (2 s each)
    for (const replicas of [3, 4, 5]) {
      await client.mergePatch(
        'ShopStack',
        { namespace: 'two', name: 'demo' },
        { spec: { services: { orders: { replicas } } } },
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await client.delete('ConfigMap', 'two', 'demo-orders');
      await eventually(`orders at ${replicas} replicas and its ConfigMap back`, async () =>
        (await ordersReplicas('two')) === replicas &&
        (await client.get('ConfigMap', 'two', 'demo-orders').catch(() => undefined))
          ? true
          : undefined,
      );
    }

    // THEN the leader kept watching through it all
    const [leader] = await leaders();
    expect(leader).toBeDefined();
  });
});
