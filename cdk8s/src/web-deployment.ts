import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import type { Construct } from 'constructs';
import { appUid } from './app-service.ts';
import { type Labels, meta, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { containerResources } from './resources.ts';
import { podSecurity } from './security.ts';

/**
 * How a web pod leaves without failing a request (docs/operations.md). A pod being deleted leaves its
 * Service's endpoints at once, but Traefik learns it seconds later (EndpointSlices, then its 2 s throttle)
 * and sends it requests until then. So the server keeps serving for `delaySeconds` (preStop), then gets
 * SIGTERM; the kubelet's grace period covers both with a margin. Without it, a roll of the storefront (a
 * new version, or TLS turned on) failed the requests Traefik still sent to the old pod.
 */
export const webShutdown = { delaySeconds: 15, gracePeriodSeconds: 25 } as const;

/**
 * One replica of a small web server without a Dapr sidecar (the Dapr view, the storefront): non-root,
 * 10m/48Mi, ready on /healthz, alive while it accepts connections on its `http` port, and leaving as
 * `webShutdown` says.
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
          terminationGracePeriodSeconds: webShutdown.gracePeriodSeconds,
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
              lifecycle: { preStop: { sleep: { seconds: webShutdown.delaySeconds } } },
            },
          ],
        },
      },
    },
  });
}
