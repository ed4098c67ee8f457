import type { V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
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

/** A single Redis for pub/sub and rate limits, password-protected, append-only file on a scratch volume. */
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
    // the append-only file: rewritten when it doubles, so a few times the 256 MiB dataset at most
    const data = scratch('data', '/data', 1024);
    const ping = { exec: { command: ['redis-cli', 'ping'] } };
    kubeObject<V1Deployment>(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, { name, labels }),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // one writer at a time: two Redis pods would split the streams Dapr pub/sub relies on
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
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
                resources: containerResources(ctx.spec.redis.resources, [data]),
                readinessProbe: { ...ping, periodSeconds: 5 },
                // alive while it accepts connections: loading a large append-only file answers PING with LOADING
                livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 10, failureThreshold: 6 },
                securityContext: containerSecurity,
                volumeMounts: [data.mount],
              },
            ],
            volumes: [data.volume],
          },
        },
      },
    });
  }
}
