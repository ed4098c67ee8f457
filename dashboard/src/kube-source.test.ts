import { describe, expect, it } from 'vitest';
import type { KubeReader } from './kube-client.ts';
import { KubeSource } from './kube-source.ts';

const annotations = { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'orders' };

function pod(name: string, daprdReady: boolean): unknown {
  return {
    metadata: { name, annotations },
    spec: { containers: [{ name: 'orders' }, { name: 'daprd' }] },
    status: {
      containerStatuses: [
        { name: 'orders', ready: true },
        {
          name: 'daprd',
          ready: daprdReady,
          ...(!daprdReady && { state: { waiting: { reason: 'CrashLoopBackOff' } } }),
        },
      ],
    },
  };
}

function source(items: Record<string, unknown[]>): KubeSource {
  const reader: KubeReader = { list: async (path) => items[path] ?? [] };
  return new KubeSource({ reader, namespace: 'shop' });
}

describe('KubeSource', () => {
  it('when one of two replicas has no ready sidecar, the app is degraded and says why', async () => {
    // GIVEN
    const view = source({
      '/apis/apps/v1/namespaces/shop/deployments': [
        { metadata: { name: 'shop-orders' }, spec: { replicas: 2, template: { metadata: { annotations } } } },
        { metadata: { name: 'shop-redis' }, spec: { replicas: 1, template: { metadata: {} } } },
      ],
      '/api/v1/namespaces/shop/pods': [pod('shop-orders-a', true), pod('shop-orders-b', false)],
    });

    // WHEN
    const { apps } = await view.read();

    // THEN only Dapr apps are listed, with their readiness
    expect(apps).toEqual([
      {
        appId: 'orders',
        health: 'degraded',
        desired: 2,
        ready: 1,
        detail: '2 pods, 1 daprd ready; daprd: CrashLoopBackOff',
      },
    ]);
  });

  it("reads catalog's access-control policy and the subscriptions' dead-letter topics from the Dapr resources", async () => {
    // GIVEN
    const view = source({
      '/apis/dapr.io/v1alpha1/namespaces/shop/configurations': [
        {
          metadata: { name: 'shop-catalog' },
          spec: {
            accessControl: {
              defaultAction: 'deny',
              policies: [{ appId: 'gateway', defaultAction: 'allow', namespace: 'shop' }],
            },
          },
        },
      ],
      '/apis/dapr.io/v2alpha1/namespaces/shop/subscriptions': [
        {
          metadata: { name: 'shop-payments-orders' },
          spec: {
            pubsubname: 'pubsub',
            topic: 'orders',
            routes: { default: '/events/orders' },
            deadLetterTopic: 'orders-deadletter',
          },
          scopes: ['payments'],
        },
      ],
    });

    // WHEN
    const { configurations, subscriptions } = await view.read();

    // THEN
    expect(configurations[0]).toMatchObject({
      name: 'shop-catalog',
      mtls: true,
      accessDefaultAction: 'deny',
      policies: [
        { appId: 'gateway', defaultAction: 'allow', namespace: 'shop', trustDomain: 'public', operations: [] },
      ],
    });
    expect(subscriptions).toEqual([
      {
        name: 'shop-payments-orders',
        appIds: ['payments'],
        pubsub: 'pubsub',
        topic: 'orders',
        routes: ['/events/orders'],
        deadLetterTopic: 'orders-deadletter',
      },
    ]);
  });

  it("shows the ShopStack's conditions and its ten newest Events, newest first, and no other object's", async () => {
    // GIVEN
    const event = (i: number, kind = 'ShopStack') => ({
      regarding: { kind, name: 'demo' },
      type: 'Warning',
      reason: `Reason${i}`,
      note: `note ${i}`,
      eventTime: `2026-12-06T10:${String(i).padStart(2, '0')}:00.000000Z`,
    });
    const view = source({
      '/apis/shopstack.io/v1alpha1/namespaces/shop/shopstacks': [
        {
          metadata: { name: 'demo' },
          status: {
            conditions: [
              {
                type: 'Degraded',
                status: 'True',
                reason: 'PodsUnschedulable',
                message: 'orders: Insufficient cpu',
                lastTransitionTime: '2026-12-06T10:00:00Z',
              },
            ],
          },
        },
      ],
      '/apis/events.k8s.io/v1/namespaces/shop/events': [
        ...Array.from({ length: 12 }, (_, i) => event(i)),
        event(59, 'Pod'),
      ],
    });

    // WHEN
    const { shops } = await view.read();

    // THEN
    expect(shops?.[0]?.conditions).toEqual([
      {
        type: 'Degraded',
        status: 'True',
        reason: 'PodsUnschedulable',
        message: 'orders: Insufficient cpu',
        since: '2026-12-06T10:00:00Z',
      },
    ]);
    expect(shops?.[0]?.events.map((e) => e.reason)).toEqual(Array.from({ length: 10 }, (_, i) => `Reason${11 - i}`));
  });
});
