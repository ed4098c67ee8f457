import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ShopStack } from './shopstack.ts';
import type { ShopStackSpecInput } from './spec.ts';
import { countingRandom } from './testing/fixtures.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests are untyped JSON
type Manifest = any;

function synth(spec: Partial<ShopStackSpecInput> = {}, random = countingRandom()): Manifest[] {
  const chart = Testing.chart();
  new ShopStack(chart, 'demo', { spec: { version: '1.2.3', ...spec }, namespace: 'shop', random });
  return Testing.synth(chart);
}

const find = (objects: Manifest[], kind: string, name: string): Manifest =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

const services = ['gateway', 'identity', 'catalog', 'cart', 'inventory', 'orders', 'payments', 'notifications'];

describe('ShopStack', () => {
  it('a new version changes every service pod but neither data store pod: an upgrade restarts no database', () => {
    // WHEN
    const [before, after] = [synth(), synth({ version: '1.2.4' })];

    // THEN
    for (const name of ['demo-postgres', 'demo-redis']) {
      expect(find(after, 'StatefulSet', name).spec, name).toEqual(find(before, 'StatefulSet', name).spec);
    }
    for (const service of services) {
      const [old, next] = [before, after].map((o) => find(o, 'Deployment', `demo-${service}`).spec.template);
      expect(next.spec.containers[0].image).not.toBe(old.spec.containers[0].image);
    }
  });

  it('with the minimal spec, renders exactly the objects a shop needs', () => {
    // WHEN
    const objects = synth();

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ServiceAccount/demo-app',
        'Role/demo-secret-reader',
        'RoleBinding/demo-secret-reader',
        ...services.flatMap((s) => [
          `Configuration/demo-${s}`,
          `ConfigMap/demo-${s}`,
          `Service/demo-${s}`,
          `Deployment/demo-${s}`,
        ]),
        'Secret/demo-dapr-api-token',
        'Secret/demo-app-api-token',
        'Secret/demo-postgres',
        'ConfigMap/demo-postgres-init',
        'Service/demo-postgres',
        'StatefulSet/demo-postgres',
        'Secret/demo-redis',
        'Service/demo-redis',
        'StatefulSet/demo-redis',
        'Component/statestore',
        'Component/orderstore',
        'Component/paymentstore',
        'Component/pubsub',
        'Component/outbox',
        'Component/secretstore',
        'Component/order-expiry',
        'Resiliency/demo-resiliency',
        'Subscription/demo-orders-payments',
        'Subscription/demo-orders-payments-deadletter',
        'Subscription/demo-payments-orders',
        'Subscription/demo-notifications-orders',
        'Subscription/demo-notifications-orders-deadletter',
        'Ingress/demo-gateway',
        'NetworkPolicy/demo-default-deny',
        'NetworkPolicy/demo-backups-to-postgres',
        'NetworkPolicy/demo-dapr-mesh',
        'NetworkPolicy/demo-gateway-public',
        'NetworkPolicy/demo-postgres-clients',
        'NetworkPolicy/demo-redis-clients',
        'NetworkPolicy/demo-dns',
        'NetworkPolicy/demo-metrics-scraper',
        'NetworkPolicy/demo-to-postgres',
        'NetworkPolicy/demo-to-redis',
      ].sort(),
    );
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
  });

  it('runs every service with a Dapr sidecar, as non-root, on a read-only root filesystem', () => {
    // WHEN
    const deployments = synth().filter((o) => o.kind === 'Deployment');

    // THEN
    expect(deployments).toHaveLength(services.length);
    for (const deployment of deployments) {
      const { annotations } = deployment.spec.template.metadata;
      const pod = deployment.spec.template.spec;
      const app = deployment.metadata.labels['app.kubernetes.io/name'];
      expect(annotations).toMatchObject({
        'dapr.io/enabled': 'true',
        'dapr.io/app-id': app,
        'dapr.io/app-port': '8080',
        'dapr.io/config': `demo-${app}`,
      });
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    }
  });

  it('takes replicas, resources and the image tag from the spec', () => {
    // WHEN
    const objects = synth({
      image: { registry: 'registry.local/shop', tag: 'dev' },
      services: { orders: { replicas: 3, resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } } },
    });

    // THEN
    const orders = find(objects, 'Deployment', 'demo-orders');
    expect(orders.spec.replicas).toBe(3);
    expect(orders.spec.template.spec.containers[0]).toMatchObject({
      image: 'registry.local/shop/orders:dev',
      resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } },
    });
  });

  it('admits exactly the callers each service manifest lists, and denies everyone else', () => {
    // WHEN
    const objects = synth();

    // THEN
    const callers = (service: string) =>
      find(objects, 'Configuration', `demo-${service}`).spec.accessControl.policies.map((p: Manifest) => p.appId);
    expect(find(objects, 'Configuration', 'demo-identity').spec.accessControl.defaultAction).toBe('deny');
    expect(callers('identity')).toEqual(['gateway']);
    expect(callers('cart')).toEqual(['gateway', 'orders']);
    expect(callers('orders')).toEqual(['gateway']);
    expect(callers('catalog')).toEqual(['gateway', 'orders', 'cart', 'inventory']);
    expect(callers('inventory')).toEqual(['gateway', 'orders']);
    expect(callers('notifications')).toEqual(['gateway']);
    expect(callers('payments')).toEqual(['payments']);
    expect(callers('gateway')).toEqual([]);
    // orders may only read and empty a cart
    const cartPolicies = find(objects, 'Configuration', 'demo-cart').spec.accessControl.policies;
    expect(cartPolicies[1]).toMatchObject({
      appId: 'orders',
      defaultAction: 'deny',
      namespace: 'shop',
      operations: [{ name: '/cart', httpVerb: ['GET', 'DELETE'], action: 'allow' }],
    });
    // payments' own sidecar may only deliver the provider's webhooks to it
    expect(find(objects, 'Configuration', 'demo-payments').spec.accessControl.policies[0]).toMatchObject({
      appId: 'payments',
      defaultAction: 'deny',
      operations: [{ name: '/webhooks/provider', httpVerb: ['POST'], action: 'allow' }],
    });
  });

  it('turns on the outbox in the orders and payments state stores, each with its own topic', () => {
    // WHEN
    const objects = synth();

    // THEN
    expect(find(objects, 'Component', 'orderstore').spec.metadata).toEqual([
      { name: 'connectionString', secretKeyRef: { name: 'demo-postgres', key: 'orders-url' } },
      { name: 'outboxPublishPubsub', value: 'pubsub' },
      { name: 'outboxPublishTopic', value: 'orders' },
      { name: 'outboxPubsub', value: 'outbox' },
      { name: 'outboxDiscardWhenMissingState', value: 'true' },
    ]);
    expect(find(objects, 'Component', 'paymentstore').spec.metadata).toContainEqual({
      name: 'outboxPublishTopic',
      value: 'payments',
    });
    expect(find(objects, 'Component', 'statestore').spec.metadata).toHaveLength(1);
    // the orders expiry sweep queries its store: state.postgresql v2 has no query API
    expect(find(objects, 'Component', 'orderstore').spec).toMatchObject({ type: 'state.postgresql', version: 'v1' });
    expect(find(objects, 'Component', 'outbox').scopes).toEqual(['orders', 'payments']);
    expect(find(objects, 'Component', 'outbox').spec.metadata).toContainEqual({ name: 'concurrency', value: '500' });
    expect(find(objects, 'Component', 'pubsub').spec.metadata).toContainEqual({ name: 'concurrency', value: '64' });
  });

  it('configures mTLS and OTLP tracing in every Dapr Configuration', () => {
    // WHEN
    const objects = synth({
      dapr: { mtls: false, tracing: { samplingRate: '0.25', otlpEndpoint: 'otel-collector.observability:4317' } },
    });

    // THEN
    expect(find(objects, 'Configuration', 'demo-orders').spec).toMatchObject({
      mtls: { enabled: false, sentryAddress: 'dapr-sentry.dapr-system.svc.cluster.local:443' },
      tracing: {
        samplingRate: '0.25',
        otel: { endpointAddress: 'otel-collector.observability:4317', isSecure: false, protocol: 'grpc' },
      },
    });
  });

  it('generates create-only (not immutable) secrets and never copies their values into other objects', () => {
    // GIVEN
    const random = countingRandom();

    // WHEN
    const objects = synth({}, random);

    // THEN
    const secrets = objects.filter((o) => o.kind === 'Secret');
    expect(secrets).toHaveLength(4);
    for (const secret of secrets) {
      // an immutable Secret re-created under the same name reaches new pods stale from the kubelet's cache
      expect(secret.immutable).toBeUndefined();
      expect(secret.metadata.annotations['shopstack.io/create-only']).toBe('true');
    }
    const elsewhere = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    expect(random.issued.length).toBeGreaterThan(10);
    for (const value of random.issued) expect(elsewhere).not.toMatch(new RegExp(`\\b${value}\\b`));
  });

  it('gives the managed Postgres one database URL per service and keeps the volume across deletion', () => {
    // WHEN
    const objects = synth({ database: { managed: { storage: '20Gi', storageClassName: 'fast' } } });

    // THEN
    const credentials = find(objects, 'Secret', 'demo-postgres').stringData;
    expect(
      Object.keys(credentials)
        .filter((k) => k.endsWith('-url'))
        .sort(),
    ).toEqual(
      services
        .filter((s) => s !== 'gateway')
        .map((s) => `${s}-url`)
        .sort(),
    );
    expect(credentials['orders-url']).toMatch(/^postgres:\/\/orders:token-\d+@demo-postgres:5432\/orders$/);
    const statefulSet = find(objects, 'StatefulSet', 'demo-postgres');
    expect(statefulSet.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'fast',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(find(objects, 'ConfigMap', 'demo-postgres-init').data['10-databases.sh']).toContain(
      'for db in catalog identity cart inventory orders payments notifications',
    );
  });

  it('with an external database, renders no Postgres and points every consumer at the given Secret', () => {
    // WHEN
    const objects = synth({ database: { mode: 'external', external: { secretRef: { name: 'shop-db' } } } });

    // THEN
    expect(objects.filter((o) => o.metadata.name.startsWith('demo-postgres'))).toEqual([]);
    expect(find(objects, 'Deployment', 'demo-catalog').spec.template.spec.containers[0].env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'shop-db', key: 'catalog-url' } },
    });
    expect(find(objects, 'Component', 'statestore').spec.metadata[0].secretKeyRef).toEqual({
      name: 'shop-db',
      key: 'cart-url',
    });
  });

  it('with an external Redis, renders no Redis and gives pub/sub and the gateway its address', () => {
    // WHEN
    const objects = synth({ redis: { mode: 'external', external: { address: 'redis.infra:6380' } } });

    // THEN
    expect(find(objects, 'StatefulSet', 'demo-redis')).toBeUndefined();
    expect(find(objects, 'Component', 'pubsub').spec.metadata).toContainEqual({
      name: 'redisHost',
      value: 'redis.infra:6380',
    });
    expect(find(objects, 'Deployment', 'demo-gateway').spec.template.spec.containers[0].env).toContainEqual({
      name: 'REDIS_URL',
      value: 'redis://redis.infra:6380',
    });
  });

  it('exposes the gateway on the ingress host with TLS, or not at all when ingress is off', () => {
    // WHEN
    const withTls = synth({ ingress: { host: 'shop.example.com', tlsSecretName: 'shop-tls', className: 'nginx' } });
    const disabled = synth({ ingress: { enabled: false } });

    // THEN
    expect(find(withTls, 'Ingress', 'demo-gateway').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'demo-gateway', port: { name: 'http' } } } },
            ],
          },
        },
      ],
    });
    expect(disabled.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  it('denies all traffic of the shop, then opens the Dapr mesh, the gateway, the data stores to their clients', () => {
    // WHEN
    const objects = synth();

    // THEN
    const policy = (name: string) => find(objects, 'NetworkPolicy', `demo-${name}`).spec;
    const shop = { matchLabels: { 'app.kubernetes.io/instance': 'demo' } };
    const apps = { matchLabels: { 'app.kubernetes.io/instance': 'demo', 'app.kubernetes.io/component': 'app' } };
    const named = (...names: string[]) => ({
      matchLabels: { 'app.kubernetes.io/instance': 'demo' },
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: names }],
    });
    expect(policy('default-deny')).toEqual({ podSelector: shop, policyTypes: ['Ingress', 'Egress'] });
    const postgresClients = named('catalog', 'identity', 'cart', 'inventory', 'orders', 'payments', 'notifications');
    // the services, and the backup and restore Jobs
    const backups = { matchLabels: { 'app.kubernetes.io/instance': 'demo', 'app.kubernetes.io/component': 'backup' } };
    expect(policy('postgres-clients').ingress).toEqual([
      {
        from: [{ podSelector: postgresClients }, { podSelector: backups }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    expect(policy('to-postgres')).toEqual({
      podSelector: postgresClients,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              podSelector: {
                matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'demo' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });
    expect(policy('backups-to-postgres')).toEqual({ ...policy('to-postgres'), podSelector: backups });
    // the gateway, catalog and identity use Redis themselves; orders, payments and notifications through pub/sub
    expect(policy('to-redis').podSelector).toEqual(
      named('gateway', 'catalog', 'identity', 'orders', 'payments', 'notifications'),
    );
    expect(policy('dapr-mesh').egress).toEqual([
      { to: [{ podSelector: apps }], ports: [{ protocol: 'TCP', port: 50002 }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dapr-system' } } }],
        ports: [50001, 50005, 50006, 6500].map((port) => ({ protocol: 'TCP', port })),
      },
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 6443 }],
      },
    ]);
    expect(policy('metrics-scraper').ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'shopstack.dev/scraper': 'true' } } }],
        ports: [8080, 9090].map((port) => ({ protocol: 'TCP', port })),
      },
    ]);
  });

  it('lets the sidecars and the Dapr view reach only the API server addresses the spec names', () => {
    // WHEN
    const objects = synth({
      dashboard: { enabled: true },
      network: { apiServer: { cidrs: ['10.0.0.1/32'], port: 443 } },
    });

    // THEN
    const rule = { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] };
    expect(find(objects, 'NetworkPolicy', 'demo-dapr-mesh').spec.egress).toContainEqual(rule);
    // the view checks logins with the gateway too
    expect(find(objects, 'NetworkPolicy', 'demo-dashboard').spec.egress).toEqual([
      rule,
      {
        to: [
          {
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'demo' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('with ingress TLS, serves HTTPS with HSTS and redirects HTTP to it, for the API and the Dapr view', () => {
    // WHEN
    const objects = synth({ dashboard: { enabled: true }, ingress: { tls: { secretName: 'shop-tls' } } });

    // THEN
    for (const name of ['demo-gateway', 'demo-dashboard']) {
      const secure = find(objects, 'Ingress', name);
      expect(secure.spec.tls).toEqual([{ secretName: 'shop-tls' }]);
      expect(secure.metadata.annotations).toEqual({
        'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
        'traefik.ingress.kubernetes.io/router.tls': 'true',
        'traefik.ingress.kubernetes.io/router.middlewares': 'hsts@file',
      });
      const redirect = find(objects, 'Ingress', `${name}-http`);
      expect(redirect.metadata.annotations).toEqual({
        'traefik.ingress.kubernetes.io/router.entrypoints': 'web',
        'traefik.ingress.kubernetes.io/router.middlewares': 'https-redirect@file',
      });
      expect(redirect.spec.rules).toEqual(secure.spec.rules);
      expect(redirect.spec.tls).toBeUndefined();
    }
    // without TLS, one plain Ingress each
    const plain = synth({ dashboard: { enabled: true } }).filter((o) => o.kind === 'Ingress');
    expect(plain.map((o) => [o.metadata.name, o.metadata.annotations])).toEqual([
      ['demo-gateway', undefined],
      ['demo-dashboard', undefined],
    ]);
  });

  it('when the name cannot prefix child objects, it refuses with the name in the message', () => {
    expect(() => new ShopStack(Testing.chart(), 'x', { name: '9shop', spec: { version: '1.0.0' } })).toThrow(
      /"9shop" must be a DNS label/,
    );
  });

  it('when the spec is invalid, it refuses with the offending field', () => {
    expect(() => synth({ services: { gateway: { replicas: -1 } } })).toThrow(/spec\.services\.gateway\.replicas/);
  });
});
