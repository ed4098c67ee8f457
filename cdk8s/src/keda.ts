import { Construct } from 'constructs';
import { manifests } from '../../services/manifests.ts';
import { redisAddress } from './app-config.ts';
import type { AutoscalingSpec } from './autoscaling.ts';
import { meta, objectLabels, objectName, selectorLabels, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { redisPort } from './redis.ts';
import { secretNames } from './secrets.ts';
import { type ServiceName, serviceNames } from './spec.ts';

/**
 * Entries per replica that KEDA aims at, both for the entries delivered to the consumer group but not yet
 * acknowledged (pending) and for those not yet delivered at all (lag: a backlog that built while the consumer
 * was down or slow is lag, not pending, until the consumer reads it).
 */
export const pendingEntriesPerReplica = 50;

/** The services that consume events (a Redis stream per topic, their app id as the consumer group). */
export const eventConsumers: readonly ServiceName[] = serviceNames.filter(
  (name) => manifests[name].subscribes.length > 0,
);

/**
 * Where KEDA is installed, a consumer with autoscaling scales on its backlog as well as on CPU: a
 * ScaledObject with KEDA's Redis Streams scaler on the pending entries and on the lag of its consumer group
 * in each topic it reads (Dapr's Redis pub/sub: the stream is the topic, the group the app id; lag needs
 * Redis 7). KEDA makes the HorizontalPodAutoscaler itself, so the service gets no other.
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
          ...manifests[service].subscribes.flatMap((topic: string) =>
            // KEDA's scaler reads one of the two per trigger: lagCount when set, else pendingEntriesCount
            (['pendingEntriesCount', 'lagCount'] as const).map((target) => ({
              type: 'redis-streams',
              metadata: {
                address: kedaRedisAddress(ctx),
                stream: topic,
                consumerGroup: service,
                [target]: String(pendingEntriesPerReplica),
              },
              ...(password && { authenticationRef: { name: auth } }),
            })),
          ),
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

/** KEDA's namespace and its operator's pods, as its Helm chart installs them. */
export const kedaOperator = { namespace: 'keda', podLabels: { 'app.kubernetes.io/name': 'keda-operator' } } as const;

/** Lets KEDA's operator read the consumer groups of the shop's managed Redis (its scaler connects to Redis). */
export class KedaRedisAccess extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const name = objectName(ctx, 'redis-keda');
    kubeObject(this, 'policy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, { name, labels: objectLabels(ctx, 'redis-keda', 'network') }),
      spec: {
        podSelector: { matchLabels: selectorLabels(ctx, 'redis') },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': kedaOperator.namespace } },
                podSelector: { matchLabels: { ...kedaOperator.podLabels } },
              },
            ],
            ports: [{ protocol: 'TCP', port: redisPort }],
          },
        ],
      },
    });
  }
}

/**
 * The Redis address as KEDA's operator dials it, from its own namespace: the managed Redis by its Service's
 * name in the shop's namespace (a short name would resolve in `keda`); an external address as given.
 */
function kedaRedisAddress(ctx: ShopContext): string {
  return ctx.spec.redis.mode === 'managed'
    ? `${objectName(ctx, 'redis')}.${ctx.namespace}.svc:${redisPort}`
    : redisAddress(ctx);
}

function redisPassword(ctx: ShopContext): { name: string; key: string } | undefined {
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') return { name: secretNames.redis(ctx), key: 'password' };
  return redis.external?.passwordSecretRef;
}
