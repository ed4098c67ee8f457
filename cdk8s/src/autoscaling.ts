import { Construct } from 'constructs';
import { z } from 'zod';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import type { ServiceName } from './spec.ts';

/**
 * `spec.services.<name>.autoscaling`: a HorizontalPodAutoscaler on CPU. Scale-up reacts at once (its
 * policies cap each step), scale-down waits five minutes of lower load, Kubernetes' own defaults.
 */
export const autoscalingSpec = z
  .object({
    minReplicas: z.int().min(1).max(20).default(1).describe('Fewest replicas, 1 to 20.'),
    maxReplicas: z.int().min(1).max(20).describe('Most replicas, 1 to 20; at least minReplicas.'),
    targetCPUUtilizationPercentage: z
      .int()
      .min(10)
      .max(95)
      .default(70)
      .describe("Average CPU use the autoscaler aims at, as a percentage of the pods' CPU requests."),
    behavior: z
      .object({
        scaleUpStabilizationSeconds: z.int().min(0).max(3600).default(0).describe('Scale-up stabilization window.'),
        scaleDownStabilizationSeconds: z
          .int()
          .min(0)
          .max(3600)
          .default(300)
          .describe('Scale-down stabilization window: how long lower load must last before replicas go.'),
      })
      .prefault({}),
  })
  .optional()
  .describe(
    'Scale this service on CPU with a HorizontalPodAutoscaler; replicas must then be unset (the autoscaler owns them).',
  );

export type AutoscalingSpec = NonNullable<z.output<typeof autoscalingSpec>>;

/** The CEL rules of one service's spec (the API server's check) that zod checks in checkAutoscaling. */
export const autoscalingValidations = [
  {
    rule: '!has(self.autoscaling) || !has(self.replicas)',
    message: 'replicas and autoscaling exclude each other: with autoscaling, the autoscaler sets the replicas',
    fieldPath: '.replicas',
  },
  {
    rule: '!has(self.autoscaling) || self.autoscaling.minReplicas <= self.autoscaling.maxReplicas',
    message: 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
    fieldPath: '.autoscaling.minReplicas',
  },
];

/** The same rules for the operator and the constructs, which parse with zod (a CEL rule is the server's). */
export function checkAutoscaling(
  field: string,
  service: { readonly replicas?: number | undefined; readonly autoscaling?: AutoscalingSpec | undefined },
): { field: string; message: string }[] {
  const { autoscaling } = service;
  if (!autoscaling) return [];
  const problems: { field: string; message: string }[] = [];
  if (service.replicas !== undefined) {
    problems.push({ field: `${field}.replicas`, message: autoscalingValidations[0]?.message ?? '' });
  }
  if (autoscaling.minReplicas > autoscaling.maxReplicas) {
    problems.push({
      field: `${field}.autoscaling.minReplicas`,
      message: `minReplicas ${autoscaling.minReplicas} exceeds maxReplicas ${autoscaling.maxReplicas}`,
    });
  }
  return problems;
}

/** An autoscaling/v2 HorizontalPodAutoscaler for one service's Deployment. */
export class ServiceAutoscaler extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { readonly ctx: ShopContext; readonly service: ServiceName; readonly autoscaling: AutoscalingSpec },
  ) {
    super(scope, id);
    const { ctx, service, autoscaling } = props;
    const name = objectName(ctx, service);
    const { behavior } = autoscaling;
    kubeObject(this, 'hpa', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(ctx, { name, labels: objectLabels(ctx, service, 'app') }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage },
            },
          },
        ],
        behavior: {
          // up: double or add two pods a quarter minute, whichever is more (a load spike)
          scaleUp: {
            stabilizationWindowSeconds: behavior.scaleUpStabilizationSeconds,
            selectPolicy: 'Max',
            policies: [
              { type: 'Percent', value: 100, periodSeconds: 15 },
              { type: 'Pods', value: 2, periodSeconds: 15 },
            ],
          },
          // down: at most half the pods a minute once the window has passed
          scaleDown: {
            stabilizationWindowSeconds: behavior.scaleDownStabilizationSeconds,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
          },
        },
      },
    });
  }
}
