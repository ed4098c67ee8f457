import { describe, expect, it } from 'vitest';
import { fieldManager } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import { compareVersions, rollOrder, startupOrder, versionProblem } from './upgrade.ts';

describe('versionProblem', () => {
  it('lets a first install, the same version and any newer one through', () => {
    expect(versionProblem(undefined, '0.1.0')).toBeUndefined();
    expect(versionProblem('0.1.0', '0.1.0')).toBeUndefined();
    expect(versionProblem('0.1.0', '0.1.1')).toBeUndefined();
    expect(versionProblem('0.9.9', 'v1.0.0')).toBeUndefined();
  });

  it('refuses a downgrade, naming both versions and what to do', () => {
    const problem = versionProblem('0.2.0', '0.1.9');
    expect(problem?.reason).toBe('DowngradeRefused');
    expect(problem?.message).toContain('spec.version 0.1.9 is older than the running 0.2.0');
    expect(problem?.message).toContain('nothing was rolled');
  });

  it('compares by major, minor and patch as numbers', () => {
    expect(compareVersions('0.10.0', '0.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(0);
  });
});

const labelled = (kind: string, name: string, component: string, extra: object = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: {
    name: `demo-${name}`,
    namespace: 'shop',
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component },
  },
  spec: { replicas: 1 },
  ...extra,
});
const postgres = labelled('StatefulSet', 'postgres', 'database');
const redis = labelled('StatefulSet', 'redis', 'cache');
const orders = labelled('Deployment', 'orders', 'app');
const ready = (obj: KubeObject): KubeObject => ({
  ...obj,
  metadata: { ...obj.metadata, generation: 1 },
  status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, replicas: 1 },
});

describe('startupOrder', () => {
  const objects = [postgres, redis, orders];

  it('holds a new service Deployment while a data store is not ready', () => {
    const live = new Map([[postgres.metadata.name, ready(postgres)]]);
    const { apply, held } = startupOrder(objects, (o) => live.get(o.metadata.name));
    expect(apply).toEqual([postgres, redis]);
    expect(held).toEqual(['shop/demo-orders']);
  });

  it('applies everything once the data stores are ready', () => {
    const live = new Map([postgres, redis].map((o) => [o.metadata.name, ready(o)]));
    expect(startupOrder(objects, (o) => live.get(o.metadata.name)).apply).toEqual(objects);
  });

  it('never holds a Deployment that exists: a later outage of Postgres removes nothing', () => {
    const live = new Map([[orders.metadata.name, ready(orders)]]);
    expect(startupOrder(objects, (o) => live.get(o.metadata.name))).toEqual({ apply: objects, held: [] });
  });
});

describe('rollOrder', () => {
  const service = (name: string, image: string) => {
    const obj = labelled('Deployment', name, 'app');
    return { ...obj, spec: { replicas: 1, template: { spec: { containers: [{ name, image }] } } } };
  };
  const names = ['gateway', 'catalog', 'orders'];
  const v1 = names.map((n) => service(n, `${n}:0.1.0`));
  const v2 = names.map((n) => service(n, `${n}:0.1.1`));
  const configMap: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'demo-orders', namespace: 'shop' },
  };
  /** The fields the operator's apply owns on a live service Deployment (metadata.managedFields). */
  const applied = (name: string) => ({
    manager: fieldManager,
    operation: 'Apply',
    apiVersion: 'apps/v1',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': { 'f:containers': { [`k:{"name":"${name}"}`]: { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    },
  });
  /** Live objects: generation 2 and observed 2 when rolled out, observed 1 while the controller has not caught up. */
  const liveOf = (objs: KubeObject[], rolling: string[] = []) =>
    new Map<string, KubeObject>(
      objs.map((o) => {
        const done = ready(o) as KubeObject & { status: Record<string, unknown> };
        const observedGeneration = rolling.includes(o.metadata.name) ? 1 : 2;
        const name = o.metadata.name.replace(/^demo-/, '');
        const metadata = { ...done.metadata, generation: 2, managedFields: [applied(name)] };
        return [o.metadata.name, { ...done, metadata, status: { ...done.status, observedGeneration } }];
      }),
    );

  it('applies only the first changed service while the others run their old spec, and holds no other kind', () => {
    const live = liveOf(v1);
    const { apply, held } = rollOrder([configMap, ...v2], (o) => live.get(o.metadata.name), 1);
    expect(apply.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/demo-orders',
      'Deployment/demo-gateway',
    ]);
    expect(held.map((o) => o.metadata.name)).toEqual(['demo-catalog', 'demo-orders']);
  });

  it('starts no other service while one rolls, and the next once it is complete', () => {
    const rolling = liveOf([v2[0] as KubeObject, v1[1] as KubeObject, v1[2] as KubeObject], ['demo-gateway']);
    expect(rollOrder(v2, (o) => rolling.get(o.metadata.name), 1).held.map((o) => o.metadata.name)).toEqual([
      'demo-catalog',
      'demo-orders',
    ]);
    const done = liveOf([v2[0] as KubeObject, v1[1] as KubeObject, v1[2] as KubeObject]);
    expect(rollOrder(v2, (o) => done.get(o.metadata.name), 1).held.map((o) => o.metadata.name)).toEqual([
      'demo-orders',
    ]);
  });

  it('lets the next service go while the old pods of the previous one still drain', () => {
    const draining = liveOf([v2[0] as KubeObject, v1[1] as KubeObject, v1[2] as KubeObject]);
    const gateway = draining.get('demo-gateway') as KubeObject & { status: Record<string, unknown> };
    // the old pod counts until it is gone; the new one is updated and available
    draining.set('demo-gateway', { ...gateway, status: { ...gateway.status, replicas: 2 } });
    expect(rollOrder(v2, (o) => draining.get(o.metadata.name), 1).held.map((o) => o.metadata.name)).toEqual([
      'demo-orders',
    ]);
  });

  it('lets a rolling service change again, and a stalled roll (past its deadline) hold nothing back', () => {
    const rolling = liveOf(v1, ['demo-gateway']);
    expect(rollOrder(v2, (o) => rolling.get(o.metadata.name), 1).held.map((o) => o.metadata.name)).toEqual([
      'demo-catalog',
      'demo-orders',
    ]);
    const stuck = liveOf([v2[0] as KubeObject, v1[1] as KubeObject, v1[2] as KubeObject], ['demo-gateway']);
    const gateway = stuck.get('demo-gateway') as KubeObject & { status: Record<string, unknown> };
    stuck.set('demo-gateway', {
      ...gateway,
      status: {
        ...gateway.status,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    });
    expect(rollOrder(v2, (o) => stuck.get(o.metadata.name), 1).held.map((o) => o.metadata.name)).toEqual([
      'demo-orders',
    ]);
  });

  it('by default starts two services at a time', () => {
    const live = liveOf(v1);
    expect(rollOrder(v2, (o) => live.get(o.metadata.name)).held.map((o) => o.metadata.name)).toEqual(['demo-orders']);
    const one = liveOf([v2[0] as KubeObject, v1[1] as KubeObject, v1[2] as KubeObject], ['demo-gateway']);
    expect(rollOrder(v2, (o) => one.get(o.metadata.name)).held.map((o) => o.metadata.name)).toEqual(['demo-orders']);
  });

  it('creates new services all at once, and holds nothing when nothing changed', () => {
    expect(rollOrder(v2, () => undefined)).toEqual({ apply: v2, held: [] });
    const live = liveOf(v2);
    expect(rollOrder(v2, (o) => live.get(o.metadata.name))).toEqual({ apply: v2, held: [] });
  });
});
