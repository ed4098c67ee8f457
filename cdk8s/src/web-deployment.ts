import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import type { Construct } from 'constructs';
import { appUid } from './app-service.ts';
import { type Labels, meta, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { containerResources } from './resources.ts';
import { podSecurity } from './security.ts';

/**
 * One replica of a small web server without a Dapr sidecar (the Dapr view, the storefront): non-root,
 * 10m/48Mi, ready on /healthz and alive while it accepts connections on its `http` port.
 */
export function webDeployment(
  scope: Construct,
  ctx: ShopContext,
  opts: {
    readonly name: string;
    readonly labels: Labels;
    readonly selector: Labels;
    readonly pod: Partial<V1PodSpec>;
    readonly container: V1Container;
  },
): void {
  const { image } = ctx.spec;
  kubeObject<V1Deployment>(scope, 'Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, { name: opts.name, labels: opts.labels }),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: opts.selector },
      template: {
        metadata: { labels: opts.labels },
        spec: {
          ...opts.pod,
          securityContext: podSecurity(appUid),
          ...(image.pullSecrets && { imagePullSecrets: image.pullSecrets.map((secret) => ({ name: secret })) }),
          containers: [
            {
              ...opts.container,
              imagePullPolicy: image.pullPolicy,
              resources: containerResources({ requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '128Mi' } }),
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
              // ready when it answers; alive while it accepts connections (a probe that differs from readiness)
              livenessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 20 },
            },
          ],
        },
      },
    },
  });
}
