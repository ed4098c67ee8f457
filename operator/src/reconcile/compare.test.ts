import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { covers, upToDate, whyApply } from './compare.ts';

const manager = 'shopstack-operator';
/** A managedFields entry as the API server writes it. */
const entry = (name: string, operation: 'Apply' | 'Update', fieldsV1: unknown, extra: object = {}) => ({
  manager: name,
  operation,
  apiVersion: 'apps/v1',
  time: '2026-12-06T12:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...extra,
});
/** What the operator's apply of `deployment({ replicas: 2 })` owns. */
const appliedReplicas = entry(manager, 'Apply', {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': { 'f:replicas': {} },
});

const deployment = (spec: unknown, metadata: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'demo-orders', namespace: 'shop', labels: { app: 'orders' }, ...metadata },
  spec,
});

describe('covers', () => {
  it('ignores fields the server added', () => {
    expect(covers({ replicas: 2 }, { replicas: 2, progressDeadlineSeconds: 600 })).toBe(true);
  });

  it('compares quantities by value, as the server rewrites them', () => {
    expect(covers({ cpu: '0.5', memory: '1024Mi' }, { cpu: '500m', memory: '1Gi' })).toBe(true);
    expect(covers({ cpu: '0.5' }, { cpu: '600m' })).toBe(false);
  });

  it('treats empty values as absent, as the server drops them', () => {
    expect(covers({ env: [], args: {}, name: '' }, {})).toBe(true);
  });

  it('when a list element was added or changed by hand, it reports a difference', () => {
    expect(covers({ args: ['a'] }, { args: ['a', 'b'] })).toBe(false);
    expect(covers({ ports: [{ port: 80 }] }, { ports: [{ port: 81 }] })).toBe(false);
  });
});

describe('upToDate', () => {
  it('when nothing the operator sets differs, the object is up to date', () => {
    // GIVEN
    const desired = deployment({ replicas: 2 });
    const live = deployment(
      { replicas: 2, strategy: { type: 'RollingUpdate' } },
      {
        resourceVersion: '7',
        labels: { app: 'orders', extra: 'x' },
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        managedFields: [
          appliedReplicas,
          // the controller's own writes: not the operator's to remove
          entry('kube-controller-manager', 'Update', {
            'f:metadata': { 'f:annotations': { '.': {}, 'f:deployment.kubernetes.io/revision': {} } },
          }),
          entry('kube-controller-manager', 'Update', { 'f:status': { 'f:replicas': {} } }, { subresource: 'status' }),
        ],
      },
    );

    // WHEN / THEN
    expect(upToDate(desired, live, manager)).toBe(true);
  });

  it('when a field was edited by hand, it is not up to date', () => {
    const live = deployment({ replicas: 5 }, { managedFields: [appliedReplicas] });
    expect(upToDate(deployment({ replicas: 2 }), live, manager)).toBe(false);
  });

  it('when the live object is missing, it is not up to date', () => {
    expect(upToDate(deployment({ replicas: 2 }), undefined, manager)).toBe(false);
  });

  it('when the operator has never applied the object (or applied it as another version), it applies once', () => {
    const live = deployment({ replicas: 2 });
    expect(whyApply(deployment({ replicas: 2 }), live, manager)).toBe('not applied by shopstack-operator as apps/v1');
    const v1beta = { ...appliedReplicas, apiVersion: 'apps/v1beta2' };
    expect(
      upToDate(deployment({ replicas: 2 }), deployment({ replicas: 2 }, { managedFields: [v1beta] }), manager),
    ).toBe(false);
    // another manager's apply of the same fields is not the operator's
    const kubectl = { ...appliedReplicas, manager: 'kubectl' };
    expect(
      upToDate(deployment({ replicas: 2 }), deployment({ replicas: 2 }, { managedFields: [kubectl] }), manager),
    ).toBe(false);
  });

  it('accepts owner references added by others next to the operator’s', () => {
    // GIVEN
    const owner = { apiVersion: 'shopstack.io/v1alpha1', kind: 'ShopStack', name: 'demo', uid: 'u1', controller: true };
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u2' };
    const applied = entry(manager, 'Apply', {
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
    });

    // WHEN / THEN
    expect(
      upToDate(
        deployment({}, { ownerReferences: [owner] }),
        deployment({}, { ownerReferences: [other, owner], managedFields: [applied] }),
        manager,
      ),
    ).toBe(true);
  });
});

describe('upToDate with fields the operator owns and no longer renders', () => {
  // an Ingress with spec.ingress.tls on, as the operator applied it and the API server stored it
  const traefik = 'traefik.ingress.kubernetes.io/router';
  const rule = {
    http: { paths: [{ path: '/dapr', pathType: 'Prefix', backend: { service: { name: 'demo-dashboard' } } }] },
  };
  const ingress = (annotations: Record<string, string> | undefined, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'demo-dashboard',
      namespace: 'shop',
      labels: { app: 'dashboard' },
      ...(annotations && { annotations }),
    },
    spec,
  });
  const tlsOn = { [`${traefik}.entrypoints`]: 'websecure', [`${traefik}.tls`]: 'true' };
  const appliedWithTls = {
    ...entry(manager, 'Apply', {
      'f:metadata': {
        'f:annotations': { [`f:${traefik}.entrypoints`]: {}, [`f:${traefik}.tls`]: {} },
        'f:labels': { 'f:app': {} },
      },
      'f:spec': { 'f:rules': {}, 'f:tls': {} },
    }),
    apiVersion: 'networking.k8s.io/v1',
  };
  const live: KubeObject = {
    ...ingress(tlsOn, { rules: [rule], tls: [{ secretName: 'shop-tls' }] }),
    status: { loadBalancer: {} },
  };
  live.metadata.managedFields = [
    appliedWithTls,
    {
      ...entry('traefik', 'Update', { 'f:status': { 'f:loadBalancer': {} } }, { subresource: 'status' }),
      apiVersion: 'networking.k8s.io/v1',
    },
  ];

  it('while the rendering is unchanged, the Ingress is up to date', () => {
    expect(upToDate(ingress(tlsOn, { rules: [rule], tls: [{ secretName: 'shop-tls' }] }), live, manager)).toBe(true);
  });

  it('with TLS turned off, the annotations and tls it owns make the Ingress out of date, naming them', () => {
    // WHEN: the rendering without TLS is still a subset of the live object
    const plain = ingress(undefined, { rules: [rule] });
    expect(covers(plain.spec, live.spec)).toBe(true);

    // THEN
    expect(whyApply(plain, live, manager)).toBe(
      `no longer rendered: metadata.annotations.${traefik}.entrypoints, metadata.annotations.${traefik}.tls, spec.tls`,
    );
  });

  it('a field another manager added (an annotation by hand) is not the operator’s to remove', () => {
    const annotated = structuredClone(live);
    annotated.metadata.annotations = { ...tlsOn, 'example.com/owner': 'team-a' };
    annotated.metadata.managedFields = [
      ...(live.metadata.managedFields ?? []),
      {
        ...entry('kubectl-annotate', 'Update', { 'f:metadata': { 'f:annotations': { 'f:example.com/owner': {} } } }),
        apiVersion: 'networking.k8s.io/v1',
      },
    ];
    expect(upToDate(ingress(tlsOn, { rules: [rule], tls: [{ secretName: 'shop-tls' }] }), annotated, manager)).toBe(
      true,
    );
  });
});

describe('upToDate with keyed lists and defaulted fields', () => {
  // the operator renders ports without protocol: the API server defaults it, and keys the element by it
  const container = (env: { name: string; value: string }[]) => ({
    name: 'orders',
    image: 'shopstack/orders:1.0.0',
    ports: [{ name: 'http', containerPort: 3000 }],
    env,
    resources: { requests: { cpu: '0.5' } },
  });
  const rendered = (env: { name: string; value: string }[]) =>
    deployment({ replicas: 2, template: { spec: { containers: [container(env)] } } });
  const applied = entry(manager, 'Apply', {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"orders"}': {
              '.': {},
              'f:env': {
                'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} },
              },
              'f:image': {},
              'f:name': {},
              'f:ports': {
                'k:{"containerPort":3000,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} },
              },
              'f:resources': { 'f:requests': { 'f:cpu': {} } },
            },
          },
        },
      },
    },
  });
  // as stored: defaults filled in, the quantity in canonical form
  const live = deployment(
    {
      replicas: 2,
      progressDeadlineSeconds: 600,
      template: {
        spec: {
          restartPolicy: 'Always',
          containers: [
            {
              ...container([
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DEBUG', value: '1' },
              ]),
              ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
              resources: { requests: { cpu: '500m' } },
              terminationMessagePath: '/dev/termination-log',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
        },
      },
    },
    {
      managedFields: [
        applied,
        entry('kube-controller-manager', 'Update', {
          'f:spec': {
            'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"orders"}': { 'f:imagePullPolicy': {} } } } },
          },
        }),
      ],
    },
  );

  it('the same rendering is up to date: defaulted key fields and server defaults are no difference', () => {
    const same = rendered([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DEBUG', value: '1' },
    ]);
    expect(whyApply(same, live, manager)).toBeUndefined();
  });

  it('an env var removed from the rendering makes it out of date', () => {
    const fewer = rendered([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(upToDate(fewer, live, manager)).toBe(false);
  });

  it('a resource request the operator no longer renders is stray (a subset check would miss it)', () => {
    const unbounded = rendered([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DEBUG', value: '1' },
    ]);
    const spec = unbounded.spec as { template: { spec: { containers: { resources?: unknown }[] } } };
    delete spec.template.spec.containers[0]?.resources;
    expect(covers(unbounded.spec, live.spec)).toBe(true);
    expect(whyApply(unbounded, live, manager)).toBe(
      'no longer rendered: spec.template.spec.containers[{"name":"orders"}].resources.requests.cpu',
    );
  });

  it('a container port rendered under another number is a stray key', () => {
    const moved = structuredClone(
      rendered([
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DEBUG', value: '1' },
      ]),
    );
    const spec = moved.spec as { template: { spec: { containers: { ports: { containerPort: number }[] }[] } } };
    const [first] = spec.template.spec.containers;
    if (first?.ports[0]) first.ports[0].containerPort = 3001;
    expect(whyApply(moved, live, manager)).toBe('a rendered field differs');
  });

  it('replicas left to an autoscaler: the operator still owns them until it applies without them', () => {
    const autoscaled = rendered([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DEBUG', value: '1' },
    ]);
    delete (autoscaled.spec as { replicas?: number }).replicas;
    expect(whyApply(autoscaled, live, manager)).toBe('no longer rendered: spec.replicas');
  });
});
