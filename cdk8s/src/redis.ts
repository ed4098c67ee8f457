import type { V1EnvVar, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { dataStorePodLabels, meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { containerResources } from './resources.ts';
import { GeneratedSecret, type RandomSource, secretNames } from './secrets.ts';
import { containerSecurity, podSecurity, scratch } from './security.ts';

export const redisPort = 6379;
/** The redis user of the official Alpine image. */
const redisUid = 999;

export interface ManagedRedisProps {
  readonly ctx: ShopContext;
  readonly random: RandomSource;
}

/**
 * A single Redis for pub/sub and rate limits, password-protected. Its append-only file is on a
 * PersistentVolumeClaim: the streams hold events the outbox already handed over, so a rescheduled pod
 * must find them again (an emptyDir lost them).
 */
export class ManagedRedis extends Construct {
  constructor(scope: Construct, id: string, props: ManagedRedisProps) {
    super(scope, id);
    const { ctx } = props;
    const name = objectName(ctx, 'redis');
    const labels = objectLabels(ctx, 'redis', 'cache');
    const selector = selectorLabels(ctx, 'redis');
    new GeneratedSecret(this, 'Credentials', {
      ctx,
      name: secretNames.redis(ctx),
      component: 'redis',
      data: { password: props.random.token(24) },
    });

    kubeObject<V1Service>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, { name, labels }),
      spec: { selector, ports: [{ name: 'redis', port: redisPort, targetPort: 'redis', protocol: 'TCP' }] },
    });

    const password = { secretKeyRef: { name: secretNames.redis(ctx), key: 'password' } };
    // redis-cli reads REDISCLI_AUTH, which keeps the password out of the probe's command line
    const env: V1EnvVar[] = [
      { name: 'REDIS_PASSWORD', valueFrom: password },
      { name: 'REDISCLI_AUTH', valueFrom: password },
    ];
    const ping = { exec: { command: ['redis-cli', 'ping'] } };
    const tmp = scratch('tmp', '/tmp', 16);
    const { storage, storageClassName } = ctx.spec.redis;
    kubeObject<V1StatefulSet>(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(ctx, { name, labels }),
      spec: {
        serviceName: name,
        // one writer at a time: a StatefulSet replaces its pod only once the old one is gone
        replicas: 1,
        selector: { matchLabels: selector },
        // the operator's finalizer applies spec.database.managed.volumeRetention to this claim too
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: dataStorePodLabels(labels) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurity(redisUid),
            containers: [
              {
                name: 'redis',
                image: ctx.spec.redis.image,
                args: ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', '/data'],
                ports: [{ name: 'redis', containerPort: redisPort, protocol: 'TCP' }],
                env,
                resources: containerResources(ctx.spec.redis.resources, [tmp]),
                readinessProbe: { ...ping, periodSeconds: 5 },
                // alive while it accepts connections: loading a large append-only file answers PING with LOADING
                livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 10, failureThreshold: 6 },
                securityContext: containerSecurity,
                volumeMounts: [{ name: 'data', mountPath: '/data' }, tmp.mount],
              },
            ],
            volumes: [tmp.volume],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: selector },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(storageClassName && { storageClassName }),
              resources: { requests: { storage } },
            },
          },
        ],
      },
    });
  }
}
