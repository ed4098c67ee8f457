import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../operator/src/kube/client.ts';
import type { KubeObject } from '../operator/src/kube/object.ts';
import { resourcePath, resourceType } from '../operator/src/kube/resources.ts';
import { type ControlPlane, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import {
  createNamespace,
  eventually,
  exampleShopStack,
  fastLease,
  type OperatorProcess,
  startOperatorProcess,
  startServices,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const ns = 'autoscaled';
const resyncMs = 500;

/**
 * Autoscaling against a real kube-apiserver: the CRD's validation, the HorizontalPodAutoscaler the
 * operator renders, and the Deployment's replicas left to the autoscaler. There is no controller-manager
 * here, so the test changes replicas through the scale subresource as the autoscaler does.
 */
describe('operator: spec.services.<name>.autoscaling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-autoscaling-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  let operator: OperatorProcess;

  const shopWith = (services: Record<string, unknown>): KubeObject => {
    const example = exampleShopStack();
    return {
      ...example,
      metadata: { ...example.metadata, namespace: ns },
      spec: { ...example.spec, services },
    } as KubeObject;
  };
  const deployment = (name: string): Promise<Any> => client.get('Deployment', ns, name);

  /** What the autoscaler does: a write to the scale subresource, under its own field manager. */
  const scaleAsAutoscaler = (name: string, replicas: number) =>
    client.request({
      method: 'PATCH',
      resource: 'deployments',
      path: resourcePath(resourceType('Deployment'), { namespace: ns, name, subresource: 'scale' }),
      query: { fieldManager: 'horizontal-pod-autoscaler' },
      body: { spec: { replicas } },
      contentType: 'application/merge-patch+json',
    });

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
    client = testClient(controlPlane);
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'operator-autoscaling',
      flags: ['--install-crds', '--resync-ms', String(resyncMs), ...fastLease],
    });
    await createNamespace(client, ns);
  }, 120_000);

  afterAll(async () => {
    await operator?.proc.stop();
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API server refuses min above max, and replicas together with autoscaling, naming the field', async () => {
    const refusal = (services: Record<string, unknown>) =>
      client.create(shopWith(services)).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
    expect(await refusal({ catalog: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } })).toContain(
      'spec.services.catalog.autoscaling.minReplicas: Invalid value',
    );
    expect(await refusal({ catalog: { replicas: 2, autoscaling: { maxReplicas: 3 } } })).toContain(
      'replicas and autoscaling exclude each other',
    );
  });

  it('renders the HorizontalPodAutoscaler, and never sets back the replicas the autoscaler chose', async () => {
    // GIVEN
    await client.create(
      shopWith({ catalog: { autoscaling: { minReplicas: 1, maxReplicas: 3 } }, cart: { replicas: 2 } }),
    );
    await startServices(client, ns, 'demo');

    // THEN
    const hpa: Any = await eventually('the HorizontalPodAutoscaler', () =>
      client.get('HorizontalPodAutoscaler', ns, 'demo-catalog').catch(() => undefined),
    );
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'demo-catalog' },
      minReplicas: 1,
      maxReplicas: 3,
    });
    expect(hpa.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ShopStack', name: 'demo' });
    const catalog = await eventually('the catalog Deployment', () => deployment('demo-catalog').catch(() => undefined));
    const operatorFields = catalog.metadata.managedFields.find((f: Any) => f.operation === 'Apply');
    expect(operatorFields.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    const cart = await eventually('the cart Deployment', () => deployment('demo-cart').catch(() => undefined));
    expect(cart.spec.replicas).toBe(2);

    // WHEN the autoscaler scales catalog out
    await scaleAsAutoscaler('demo-catalog', 3);
    // and the operator reconciles many times over (resyncs, and a change to the shop)
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      { spec: { services: { cart: { replicas: 1 } } } },
    );
    await eventually('cart to follow the spec', async () =>
      (await deployment('demo-cart')).spec.replicas === 1 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, resyncMs * 6));

    // THEN the autoscaler's choice stands
    expect((await deployment('demo-catalog')).spec.replicas).toBe(3);
  });

  it('turning autoscaling off removes the autoscaler and the spec sets replicas again', async () => {
    await client.request({
      method: 'PATCH',
      resource: 'shopstacks',
      path: resourcePath(resourceType('ShopStack'), { namespace: ns, name: 'demo' }),
      body: [
        { op: 'remove', path: '/spec/services/catalog/autoscaling' },
        { op: 'add', path: '/spec/services/catalog/replicas', value: 2 },
      ],
      contentType: 'application/json-patch+json',
    });
    await eventually('the autoscaler to be pruned', () =>
      client.get('HorizontalPodAutoscaler', ns, 'demo-catalog').then(
        () => undefined,
        () => true,
      ),
    );
    await eventually('replicas from the spec', async () =>
      (await deployment('demo-catalog')).spec.replicas === 2 ? true : undefined,
    );
  });

  it("an event consumer scales with KEDA's Redis Streams scaler once KEDA's CRDs are there, instead of an HPA", async () => {
    // GIVEN notifications autoscaled, without KEDA: an HPA
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      { spec: { services: { notifications: { autoscaling: { maxReplicas: 4 } } } } },
    );
    await eventually('the notifications HPA', () =>
      client.get('HorizontalPodAutoscaler', ns, 'demo-notifications').catch(() => undefined),
    );

    // WHEN KEDA's two kinds become served (stand-ins with an open schema: KEDA itself does not run here)
    for (const [kind, plural] of [
      ['ScaledObject', 'scaledobjects'],
      ['TriggerAuthentication', 'triggerauthentications'],
    ] as const) {
      await client.create({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.keda.sh` },
        spec: {
          group: 'keda.sh',
          scope: 'Namespaced',
          names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
          versions: [
            {
              name: 'v1alpha1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      });
    }

    // THEN a ScaledObject on the consumer group's pending entries and lag replaces the HPA
    const scaled: Any = await eventually(
      'the ScaledObject',
      () => client.get('ScaledObject', ns, 'demo-notifications').catch(() => undefined),
      60_000,
    );
    expect(scaled.spec.triggers[0]).toMatchObject({
      type: 'redis-streams',
      metadata: { stream: 'orders', consumerGroup: 'notifications', pendingEntriesCount: '50' },
    });
    // and on its lag: entries not yet delivered, the backlog of a consumer that was down
    expect(scaled.spec.triggers[1]).toMatchObject({
      type: 'redis-streams',
      metadata: { stream: 'orders', consumerGroup: 'notifications', lagCount: '50' },
    });
    await eventually('the notifications HPA to go', () =>
      client.get('HorizontalPodAutoscaler', ns, 'demo-notifications').then(
        () => undefined,
        () => true,
      ),
    );
    // KEDA reads the Redis password from its Secret through a TriggerAuthentication
    expect(await client.get('TriggerAuthentication', ns, 'demo-notifications-redis')).toBeDefined();
  });
});
