import { describe, expect, it } from 'vitest';
import { renderShopStack } from './render.ts';

const observer = { namespace: 'shopstack-system', podLabels: { 'app.kubernetes.io/name': 'shopstack-operator' } };
const policies = (objects: ReturnType<typeof renderShopStack>) =>
  objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);

describe('MetricsObserverAccess', () => {
  it('lets only the observer pods of its namespace reach the app port of orders and the consumers', () => {
    const objects = renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0' }, observer });
    const policy = objects.find((o) => o.metadata.name === 'demo-metrics-observer');
    expect(policy?.spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/instance': 'demo' },
        matchExpressions: [
          { key: 'app.kubernetes.io/name', operator: 'In', values: ['orders', 'payments', 'notifications'] },
        ],
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shopstack-system' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shopstack-operator' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  it('is not rendered without an observer', () => {
    expect(policies(renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0' } }))).not.toContain(
      'demo-metrics-observer',
    );
  });
});
