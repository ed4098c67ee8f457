import { Construct } from 'constructs';
import { manifests } from '../../services/manifests.ts';
import { redisAddress } from './app-config.ts';
import type { AutoscalingSpec } from './autoscaling.ts';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { secretNames } from './secrets.ts';
import { type ServiceName, serviceNames } from './spec.ts';

/** Pending entries of a consumer group per replica that KEDA aims at. */
export const pendingEntriesPerReplica = 50;

/** The services that consume events (a Redis stream per topic, their app id as the consumer group). */
export const eventConsumers: readonly ServiceName[] = serviceNames.filter(
  (name) => manifests[name].subscribes.length > 0,
);

/**
 * Where KEDA is installed, a consumer with autoscaling scales on its backlog as well as on CPU: a
 * ScaledObject with KEDA's Redis Streams scaler on the pending entries of its consumer group in each
 * topic it reads (Dapr's Redis pub/sub: the stream is the topic, the group the app id). KEDA makes the
 * HorizontalPodAutoscaler itself, so the service gets no other.
 */
export class KedaConsumerScaler extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { readonly ctx: ShopContext; readonly service: ServiceName; readonly autoscaling: AutoscalingSpec },
  ) {
    super(scope, id);
    const { ctx, service, autoscaling } = props;
    const name = objectName(ctx, service);
    const labels = objectLabels(ctx, service, 'app');
    const password = redisPassword(ctx);
    const auth = objectName(ctx, `${service}-redis`);
    if (password) {
      kubeObject(this, 'auth', {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'TriggerAuthentication',
        metadata: meta(ctx, { name: auth, labels }),
        // a reference to the Secret: KEDA reads the password, the manifest never holds it
        spec: { secretTargetRef: [{ parameter: 'password', name: password.name, key: password.key }] },
      });
    }
    const { behavior } = autoscaling;
    kubeObject(this, 'scaler', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: meta(ctx, { name, labels }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicaCount: autoscaling.minReplicas,
        maxReplicaCount: autoscaling.maxReplicas,
        pollingInterval: 10,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              scaleUp: { stabilizationWindowSeconds: behavior.scaleUpStabilizationSeconds },
              scaleDown: { stabilizationWindowSeconds: behavior.scaleDownStabilizationSeconds },
            },
          },
        },
        triggers: [
          ...manifests[service].subscribes.map((topic: string) => ({
            type: 'redis-streams',
            metadata: {
              address: redisAddress(ctx),
              stream: topic,
              consumerGroup: service,
              pendingEntriesCount: String(pendingEntriesPerReplica),
            },
            ...(password && { authenticationRef: { name: auth } }),
          })),
          {
            type: 'cpu',
            metricType: 'Utilization',
            metadata: { value: String(autoscaling.targetCPUUtilizationPercentage) },
          },
        ],
      },
    });
  }
}

function redisPassword(ctx: ShopContext): { name: string; key: string } | undefined {
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') return { name: secretNames.redis(ctx), key: 'password' };
  return redis.external?.passwordSecretRef;
}
