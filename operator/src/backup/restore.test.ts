import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { computeStatus } from '../reconcile/status.ts';
import { holdServices } from './restore.ts';

const deployment = (name: string, component: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { 'app.kubernetes.io/component': component } },
  spec: { replicas: 2, template: {} },
});

describe('a shop held for its restore', () => {
  it('renders every service Deployment with 0 replicas, and leaves Redis, the Dapr view and Postgres as they are', () => {
    const objects = [
      deployment('demo-orders', 'app'),
      deployment('demo-redis', 'cache'),
      deployment('demo-dashboard', 'dashboard'),
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'demo-postgres' }, spec: { replicas: 1 } },
    ];
    const held = holdServices(objects);
    expect(held.map((o) => (o.spec as { replicas: number }).replicas)).toEqual([0, 2, 2, 1]);
    // the rendered objects themselves are not changed (the operator caches them)
    expect((objects[0]?.spec as { replicas: number }).replicas).toBe(2);
  });

  it('is not Ready while held, with the reason, and is not Degraded', () => {
    const status = computeStatus({
      generation: 1,
      version: '1.0.0',
      previous: undefined,
      workloads: { orders: { replicas: 0, readyReplicas: 0, ready: true } },
      held: { reason: 'Restoring', message: 'restoring 7 databases from ShopStackBackup b1' },
      now: '2026-01-01T00:00:00Z',
    });
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.Ready).toMatchObject({ status: 'False', reason: 'Restoring' });
    expect(byType.Progressing).toMatchObject({ status: 'True', reason: 'Restoring' });
    expect(byType.Degraded).toMatchObject({ status: 'False' });
    expect(status.version).toBeUndefined();
  });
});
