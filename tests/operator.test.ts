import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderShopStack } from '@shopstack/cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../operator/src/kube/client.ts';
import { KubeError } from '../operator/src/kube/errors.ts';
import type { KubeObject } from '../operator/src/kube/object.ts';
import { type ControlPlane, readAuditEvents, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import {
  condition,
  createNamespace,
  eventually,
  exampleShopStack,
  fastLease,
  type OperatorProcess,
  reportWorkloadsReady,
  startOperatorProcess,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const ns = 'shop';
const resyncMs = 1500;

describe('ShopStack operator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-operator-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  let operator: OperatorProcess;

  const shop = (): Promise<Any> => client.get('ShopStack', ns, 'demo');
  const child = (kind: string, name: string): Promise<Any> => client.get(kind, ns, name);

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true, auditLog: true });
    client = testClient(controlPlane);
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'operator-a',
      flags: ['--install-crds', '--resync-ms', String(resyncMs), ...fastLease],
    });
    await eventually('the operator to lead', async () =>
      (await operator.metric('shopstack_leader')) === 1 ? true : undefined,
    );
    await createNamespace(client, ns);
  });

  afterAll(async () => {
    await operator?.proc.stop();
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the API server rejects invalid specs with a message that names the field', () => {
    const rejection = async (body: KubeObject): Promise<string> => {
      const err = await client.create(body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KubeError);
      return (err as KubeError).message;
    };
    const invalid = (name: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'shopstack.io/v1alpha1',
      kind: 'ShopStack',
      metadata: { name, namespace: ns },
      spec: { version: '1.0.0', ...spec },
    });

    it('an external database without a secret reference', async () => {
      expect(await rejection(invalid('bad-db', { database: { mode: 'external' } }))).toMatch(
        /spec\.database\.external: .*database\.external\.secretRef is required when database\.mode is external/,
      );
    });

    it('replicas out of bounds', async () => {
      expect(await rejection(invalid('bad-replicas', { services: { orders: { replicas: 99 } } }))).toMatch(
        /spec\.services\.orders\.replicas: Invalid value: 99: .*less than or equal to 20/,
      );
    });

    it('TLS without a host, and a version that is not semantic', async () => {
      const message = await rejection(invalid('bad-tls', { version: 'latest', ingress: { tlsSecretName: 'tls' } }));
      expect(message).toMatch(/spec\.ingress\.tlsSecretName: .*ingress\.host is required/);
      expect(message).toMatch(/spec\.version: Invalid value: "latest"/);
    });

    it('a name too long to prefix the shop objects', async () => {
      expect(await rejection(invalid('a'.repeat(41), {}))).toMatch(/metadata\.name must be a DNS label of at most 40/);
    });
  });

  it('creating the example ShopStack creates every child with its expected fields and owner reference, the services once their data stores are ready', async () => {
    // GIVEN
    const example = exampleShopStack();

    // WHEN
    const created: Any = await client.create(example);

    // THEN
    const expected = renderShopStack({ name: 'demo', namespace: ns, spec: example.spec });
    // the services wait for their data stores: their Deployments come once Postgres and Redis are ready
    const isService = (o: { kind: string; metadata: { labels?: Record<string, string> } }) =>
      o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'app';
    for (const object of expected.filter((o) => !isService(o))) {
      await eventually(`${object.kind}/${object.metadata.name}`, () =>
        child(object.kind, object.metadata.name).catch(() => undefined),
      );
    }
    const services = expected.filter(isService);
    expect(services.length).toBeGreaterThan(0);
    await expect(child('Deployment', 'demo-gateway')).rejects.toThrow();
    await reportWorkloadsReady(client, ns);
    for (const object of expected) {
      const live: Any = await eventually(`${object.kind}/${object.metadata.name}`, () =>
        child(object.kind, object.metadata.name).catch(() => undefined),
      );
      expect(live.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'shopstack.io/v1alpha1',
          kind: 'ShopStack',
          name: 'demo',
          uid: created.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(live.metadata.labels['app.kubernetes.io/managed-by']).toBe('shopstack-operator');
    }
    const gateway = await child('Deployment', 'demo-gateway');
    expect(gateway.spec.replicas).toBe(2);
    expect(gateway.spec.template.metadata.annotations).toMatchObject({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': 'gateway',
      'dapr.io/config': 'demo-gateway',
    });
    expect(gateway.spec.template.spec.containers[0].image).toBe('ghcr.io/shopstack/gateway:1.0.0');
    const credentials = await child('Secret', 'demo-postgres');
    expect(Object.keys(credentials.data)).toContain('orders-url');
    expect((await child('Ingress', 'demo-gateway')).spec.tls).toEqual([
      { hosts: ['shop.example.com'], secretName: 'shop-example-com-tls' },
    ]);
    const current = await eventually('status', async () => ((await shop()).status ? shop() : undefined));
    expect(current.metadata.finalizers).toEqual(['shopstack.io/cleanup']);
    expect(condition(current, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingOut' });
  });

  it('when the workloads report ready replicas, the ShopStack becomes Ready for its generation', async () => {
    // WHEN
    await reportWorkloadsReady(client, ns);

    // THEN
    const ready = await eventually('Ready', async () => {
      const current = await shop();
      return condition(current, 'Ready')?.status === 'True' ? current : undefined;
    });
    expect(ready.status).toMatchObject({
      observedGeneration: ready.metadata.generation,
      version: '1.0.0',
      readyServices: '10/10',
    });
    expect(condition(ready, 'Degraded')).toMatchObject({ status: 'False' });
    // Events are written without waiting for them; give the last one a moment
    const reasons = await eventually('the Ready event', async () => {
      const events = await client.list('Event', { namespace: ns });
      const found = events.items
        .filter((e) => (e.regarding as { kind?: string } | undefined)?.kind === 'ShopStack')
        .map((e) => e.reason);
      return found.includes('Ready') ? found : undefined;
    });
    expect(reasons).toEqual(expect.arrayContaining(['Applied', 'SecretsGenerated', 'Ready']));
  });

  it('a resync with nothing changed issues no write request', async () => {
    // GIVEN a settled shop
    const auditLog = controlPlane.auditLogPath as string;
    const operatorWrites = () =>
      readAuditEvents(auditLog).filter(
        (e: Any) => e.userAgent === 'shopstack-operator' && e.objectRef?.resource !== 'leases',
      ).length;
    await new Promise((resolve) => setTimeout(resolve, 2 * resyncMs));
    const writesBefore = operatorWrites();
    expect(writesBefore).toBeGreaterThan(60); // the creation above was seen in the log
    const reconcilesBefore = await operator.metric('shopstack_reconciles_total');

    // WHEN resyncs run
    await eventually('three more reconciles', async () =>
      (await operator.metric('shopstack_reconciles_total')) >= reconcilesBefore + 3 ? true : undefined,
    );

    // THEN
    expect(operatorWrites()).toBe(writesBefore);
  });

  it('changing replicas or version rolls the service Deployments two at a time', async () => {
    const serviceImages = async (): Promise<Record<string, string>> => {
      const list = await client.list<Any>('Deployment', {
        namespace: ns,
        labelSelector: 'app.kubernetes.io/component=app',
      });
      return Object.fromEntries(
        list.items.map((d: Any) => [d.metadata.name, d.spec.template.spec.containers[0].image as string]),
      );
    };
    const before = await serviceImages();
    expect(Object.keys(before).length).toBeGreaterThan(2);

    // WHEN
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      {
        spec: { version: '1.1.0', services: { orders: { replicas: 3 } } },
      },
    );

    // THEN the first two services (in rendering order) roll; the others keep running 1.0.0
    const rolling = await eventually('generation 2 observed', async () => {
      const current = await shop();
      return current.status.observedGeneration === 2 ? current : undefined;
    });
    const first = await serviceImages();
    expect(
      Object.entries(first)
        .filter(([, image]) => image.endsWith(':1.1.0'))
        .sort(),
    ).toEqual([
      ['demo-catalog', 'ghcr.io/shopstack/catalog:1.1.0'],
      ['demo-gateway', 'ghcr.io/shopstack/gateway:1.1.0'],
    ]);
    expect(first['demo-orders']).toBe('ghcr.io/shopstack/orders:1.0.0');
    expect(condition(rolling, 'Ready')).toMatchObject({ status: 'False', reason: 'Upgrading' });
    expect(condition(rolling, 'Progressing')?.message).toMatch(/^upgrading from 1\.0\.0 to 1\.1\.0: rolled /);
    expect(rolling.status.version).toBe('1.0.0');

    // THEN each completed rollout lets the next one go, until every service runs 1.1.0
    await eventually(
      'Ready on 1.1.0',
      async () => {
        await reportWorkloadsReady(client, ns);
        const current = await shop();
        return condition(current, 'Ready')?.status === 'True' && current.status.version === '1.1.0' ? true : undefined;
      },
      60_000,
    );
    const after = await serviceImages();
    for (const [name, image] of Object.entries(after)) expect(image, name).toMatch(/:1\.1\.0$/);
    expect((await child('Deployment', 'demo-orders')).spec.replicas).toBe(3);
  });

  it('enabling ingress TLS serves HTTPS only and adds the HTTP twin that redirects; disabling removes both', async () => {
    // WHEN (without the example's older tlsSecretName, so that turning TLS off changes no rendered value:
    // the Ingress only loses fields)
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      { spec: { ingress: { tls: { secretName: 'demo-tls' }, tlsSecretName: null } } },
    );

    // THEN
    const twin = await eventually('the redirect Ingress', async () =>
      client.get<Any>('Ingress', ns, 'demo-gateway-http').catch(() => undefined),
    );
    expect(twin.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('https-redirect@file');
    const secure = await child('Ingress', 'demo-gateway');
    expect(secure.metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('websecure');
    expect(secure.spec.tls).toEqual([expect.objectContaining({ secretName: 'demo-tls' })]);

    // WHEN
    await client.mergePatch('ShopStack', { namespace: ns, name: 'demo' }, { spec: { ingress: { tls: null } } });

    // THEN the same Ingress loses the annotations and tls the operator no longer renders (its apply owned them)
    const plain = await eventually('the Ingress without TLS', async () => {
      const current = await child('Ingress', 'demo-gateway');
      return current.metadata.annotations === undefined && current.spec.tls === undefined ? current : undefined;
    });
    expect(plain.metadata.uid).toBe(secure.metadata.uid);
    expect(plain.spec.rules).toEqual(secure.spec.rules);
    await eventually('the redirect Ingress to go', async () =>
      (await client
        .get<Any>('Ingress', ns, 'demo-gateway-http')
        .then(() => false)
        .catch(() => true))
        ? true
        : undefined,
    );
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      { spec: { ingress: { tlsSecretName: 'shop-example-com-tls' } } },
    );
  });

  it('a child deleted or edited by hand is restored', async () => {
    // WHEN
    await client.delete('ConfigMap', ns, 'demo-cart');
    await client.mergePatch('Deployment', { namespace: ns, name: 'demo-gateway' }, { spec: { replicas: 7 } });
    await client.mergePatch('Component', { namespace: ns, name: 'pubsub' }, { spec: { type: 'pubsub.kafka' } });

    // THEN
    await eventually('the ConfigMap to return', () => child('ConfigMap', 'demo-cart').catch(() => undefined));
    await eventually('gateway replicas back to 2', async () =>
      (await child('Deployment', 'demo-gateway')).spec.replicas === 2 ? true : undefined,
    );
    await eventually('pub/sub back on Redis', async () =>
      (await child('Component', 'pubsub')).spec.type === 'pubsub.redis' ? true : undefined,
    );
  });

  it('a spec the schema cannot catch makes the ShopStack Degraded, and fixing it recovers', async () => {
    // WHEN requests exceed limits
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      {
        spec: { services: { cart: { resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } } } },
      },
    );

    // THEN
    const degraded = await eventually('Degraded', async () => {
      const current = await shop();
      return condition(current, 'Degraded')?.status === 'True' ? current : undefined;
    });
    expect(condition(degraded, 'Degraded')).toMatchObject({
      reason: 'InvalidSpec',
      message: 'spec.services.cart.resources.requests.memory: request 2Gi exceeds limit 1Gi',
    });
    expect(operator.proc.child.exitCode).toBeNull();

    // WHEN fixed
    await client.mergePatch(
      'ShopStack',
      { namespace: ns, name: 'demo' },
      {
        spec: { services: { cart: { resources: { requests: { memory: '512Mi' } } } } },
      },
    );

    // THEN
    await eventually('no longer Degraded', async () =>
      condition(await shop(), 'Degraded')?.status === 'False' ? true : undefined,
    );
  });

  it('deleting the ShopStack runs the finalizer, which deletes the data volumes, and the ShopStack goes', async () => {
    // GIVEN the volume claim the StatefulSet controller would have made
    await client.create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-demo-postgres-0',
        namespace: ns,
        labels: { 'app.kubernetes.io/instance': 'demo', 'app.kubernetes.io/name': 'postgres' },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    });

    // WHEN
    await client.delete('ShopStack', ns, 'demo');

    // THEN
    await eventually('the ShopStack to be gone', async () =>
      (await shop().then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
    // pvc-protection keeps a deleted claim until a controller releases it; deletion was requested
    const claim: Any = await child('PersistentVolumeClaim', 'data-demo-postgres-0').catch(() => undefined);
    expect(claim === undefined || claim.metadata.deletionTimestamp !== undefined).toBe(true);
  });
});
