import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { covers, upToDate } from './compare.ts';

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
      },
    );

    // WHEN / THEN
    expect(upToDate(desired, live)).toBe(true);
  });

  it('when a field was edited by hand, it is not up to date', () => {
    expect(upToDate(deployment({ replicas: 2 }), deployment({ replicas: 5 }))).toBe(false);
  });

  it('when the live object is missing, it is not up to date', () => {
    expect(upToDate(deployment({ replicas: 2 }), undefined)).toBe(false);
  });

  it('accepts owner references added by others next to the operator’s', () => {
    // GIVEN
    const owner = { apiVersion: 'shopstack.io/v1alpha1', kind: 'ShopStack', name: 'demo', uid: 'u1', controller: true };
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u2' };

    // WHEN / THEN
    expect(
      upToDate(deployment({}, { ownerReferences: [owner] }), deployment({}, { ownerReferences: [other, owner] })),
    ).toBe(true);
  });
});
