import { describe, expect, it } from 'vitest';
import { parseSpec } from './parse.ts';
import { renderShopStack } from './render.ts';

const render = (services: Record<string, unknown>) =>
  renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0', services } });
const find = (objects: ReturnType<typeof render>, kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as { spec: Record<string, unknown> } | undefined;

describe('spec.services.<name>.autoscaling', () => {
  it('renders an autoscaling/v2 HorizontalPodAutoscaler on CPU with the default behaviour', () => {
    const objects = render({ catalog: { autoscaling: { maxReplicas: 4 } } });
    expect(find(objects, 'HorizontalPodAutoscaler', 'demo-catalog')?.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-catalog' },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } },
    });
  });

  it("leaves the Deployment's replicas to the autoscaler, and sets them for every other service", () => {
    const objects = render({ catalog: { autoscaling: { minReplicas: 2, maxReplicas: 4 } }, cart: { replicas: 3 } });
    expect(find(objects, 'Deployment', 'demo-catalog')?.spec).not.toHaveProperty('replicas');
    expect(find(objects, 'Deployment', 'demo-cart')?.spec.replicas).toBe(3);
    expect(find(objects, 'Deployment', 'demo-orders')?.spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name)).toEqual([
      'demo-catalog',
    ]);
  });

  it('takes the target and the stabilization windows from the spec', () => {
    const autoscaling = {
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 50,
      behavior: { scaleUpStabilizationSeconds: 30, scaleDownStabilizationSeconds: 60 },
    };
    const hpa = find(render({ catalog: { autoscaling } }), 'HorizontalPodAutoscaler', 'demo-catalog');
    expect(hpa?.spec).toMatchObject({
      metrics: [{ resource: { target: { averageUtilization: 50 } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 30 }, scaleDown: { stabilizationWindowSeconds: 60 } },
    });
  });

  it('refuses minReplicas above maxReplicas, replicas together with autoscaling, and no maxReplicas', () => {
    const parse = (catalog: unknown) => () => parseSpec({ version: '1.0.0', services: { catalog } });
    expect(parse({ autoscaling: { minReplicas: 5, maxReplicas: 2 } })).toThrow(
      'spec.services.catalog.autoscaling.minReplicas: minReplicas 5 exceeds maxReplicas 2',
    );
    expect(parse({ replicas: 2, autoscaling: { maxReplicas: 4 } })).toThrow(
      'spec.services.catalog.replicas: replicas and autoscaling exclude each other',
    );
    expect(parse({ autoscaling: {} })).toThrow('spec.services.catalog.autoscaling.maxReplicas');
    expect(parse({ autoscaling: { maxReplicas: 4, targetCPUUtilizationPercentage: 0 } })).toThrow(
      'spec.services.catalog.autoscaling.targetCPUUtilizationPercentage',
    );
  });
});
