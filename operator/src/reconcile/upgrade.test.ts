import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { compareVersions, startupOrder, versionProblem } from './upgrade.ts';

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
