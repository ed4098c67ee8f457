import { describe, expect, it } from 'vitest';
import { renderShopStack } from './render.ts';

const services = {
  notifications: { autoscaling: { minReplicas: 1, maxReplicas: 4 } },
  catalog: { autoscaling: { maxReplicas: 3 } },
};
const render = (keda: boolean) =>
  renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0', services }, keda });
const kinds = (objects: ReturnType<typeof render>, name: string) =>
  objects.filter((o) => o.metadata.name === name).map((o) => o.kind);

describe('KEDA ScaledObjects for the event consumers', () => {
  it('where KEDA is installed, a consumer with autoscaling scales on its pending entries, its lag and CPU, with no other autoscaler', () => {
    const objects = render(true);
    expect(kinds(objects, 'demo-notifications')).toContain('ScaledObject');
    expect(kinds(objects, 'demo-notifications')).not.toContain('HorizontalPodAutoscaler');
    const scaler = objects.find((o) => o.kind === 'ScaledObject') as { spec: Record<string, unknown> } | undefined;
    expect(scaler?.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-notifications' },
      minReplicaCount: 1,
      maxReplicaCount: 4,
      triggers: [
        {
          type: 'redis-streams',
          metadata: {
            address: 'demo-redis.shop.svc:6379',
            stream: 'orders',
            consumerGroup: 'notifications',
            pendingEntriesCount: '50',
          },
          authenticationRef: { name: 'demo-notifications-redis' },
        },
        {
          type: 'redis-streams',
          metadata: {
            address: 'demo-redis.shop.svc:6379',
            stream: 'orders',
            consumerGroup: 'notifications',
            lagCount: '50',
          },
          authenticationRef: { name: 'demo-notifications-redis' },
        },
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      ],
    });
    const auth = objects.find((o) => o.kind === 'TriggerAuthentication');
    expect(auth?.spec).toEqual({ secretTargetRef: [{ parameter: 'password', name: 'demo-redis', key: 'password' }] });
    // KEDA's operator may reach the shop's Redis, and only with KEDA
    const policy = objects.find((o) => o.metadata.name === 'demo-redis-keda') as { spec: unknown } | undefined;
    expect(policy?.spec).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } },
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } }],
          ports: [{ port: 6379 }],
        },
      ],
    });
    expect(render(false).find((o) => o.metadata.name === 'demo-redis-keda')).toBeUndefined();
    // a service that consumes no events keeps its HorizontalPodAutoscaler
    expect(kinds(objects, 'demo-catalog')).toContain('HorizontalPodAutoscaler');
  });

  it('without KEDA, every service with autoscaling gets a HorizontalPodAutoscaler', () => {
    const objects = render(false);
    expect(objects.filter((o) => o.kind.startsWith('Scaled') || o.kind === 'TriggerAuthentication')).toEqual([]);
    expect(kinds(objects, 'demo-notifications')).toContain('HorizontalPodAutoscaler');
  });
});
