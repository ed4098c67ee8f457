import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { contentHash, secretEnv, serviceSettings } from './app-config.ts';
import { meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
import { ServiceAutoscaler } from './autoscaling.ts';
import { eventConsumers, KedaConsumerScaler } from './keda.ts';
import { DaprConfiguration } from './dapr-configuration.ts';
import { kubeObject } from './kube-object.ts';
import { appPort } from './profiles.ts';
import { containerResources, sidecarResourceAnnotations } from './resources.ts';
import { secretNames } from './secrets.ts';
import { containerSecurity, podSecurity, scratch, spreadAcrossNodes } from './security.ts';
import { storeWaitContainer } from './store-wait.ts';
import type { ServiceName } from './spec.ts';

export interface AppServiceProps {
  readonly ctx: ShopContext;
  readonly service: ServiceName;
  /** ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** KEDA is installed: an event consumer with autoscaling scales on its backlog (keda.ts). */
  readonly keda?: boolean;
}

// the API server drops empty lists; leaving them out keeps desired and live objects comparable
function nonEmpty<K extends string, T>(key: K, list: T[]): { [P in K]?: T[] } {
  return (list.length > 0 ? { [key]: list } : {}) as { [P in K]?: T[] };
}

/** Non-root user the service images run as. */
export const appUid = 10001;

/**
 * How a pod leaves without failing a request (docs/operations.md). A terminating pod leaves its Service's
 * endpoints at once, but the news takes seconds to reach Traefik (EndpointSlices, then its 2 s throttle)
 * and up to 20 s to reach the other sidecars: daprd 1.18 keeps the addresses it resolved for an app id for
 * 20 s (`resolverCacheTTL` in its direct messaging) and, for an app with a Resiliency policy, retries on
 * the address it picked without resolving again. So, from the deletion:
 * - daprd keeps serving for `sidecarBlockSeconds`, past that cache, then drains its calls for
 *   `sidecarDrainSeconds` (closing its connections: the callers reconnect to the pods that remain);
 * - the app sleeps in preStop until its sidecar is done, so every call daprd accepted still finds it, then
 *   gets SIGTERM and finishes what is in flight (`runMain`, up to 5 s);
 * - the kubelet's grace period covers both with a margin.
 */
export const shutdown = {
  sidecarBlockSeconds: 25,
  sidecarDrainSeconds: 5,
  appDelaySeconds: 30,
  gracePeriodSeconds: 45,
} as const;

/** One ShopStack service: its Deployment with a Dapr sidecar, Service, ConfigMap, PDB and Dapr Configuration. */
export class AppService extends Construct {
  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    const { ctx, service } = props;
    const name = objectName(ctx, service);
    const labels = objectLabels(ctx, service, 'app');
    const selector = selectorLabels(ctx, service);
    const settings = serviceSettings(ctx, service);
    const daprConfig = new DaprConfiguration(this, 'Dapr', { ctx, service });

    kubeObject<V1ConfigMap>(this, 'Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, { name, labels }),
      data: settings,
    });

    kubeObject<V1Service>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, { name, labels }),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    });

    // replicas: 1 when unset; with autoscaling the HorizontalPodAutoscaler sets them
    const { replicas = 1, autoscaling } = ctx.spec.services[service];
    // a drain may take one pod of several at a time; a single replica gets no budget, since one that
    // protected it (minAvailable 1) would block every node drain and one that did not would be a no-op
    if ((autoscaling?.maxReplicas ?? replicas) > 1) {
      kubeObject<V1PodDisruptionBudget>(this, 'Budget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(ctx, { name, labels }),
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      });
    }

    const tmp = scratch('tmp', '/tmp', 64);
    const { dapr, image } = ctx.spec;
    const appImage =
      ctx.spec.services[service].image ?? `${image.registry}/${service}:${image.tag ?? ctx.spec.version}`;
    const resources = containerResources(ctx.spec.services[service].resources, [tmp]);
    const waitForStores = storeWaitContainer(ctx, service, appImage, resources);
    kubeObject<V1Deployment>(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, { name, labels }),
      spec: {
        // with autoscaling the HorizontalPodAutoscaler sets replicas; the operator's apply leaves them out,
        // so the two never fight over the field (docs/architecture.md, "Autoscaling")
        ...(!autoscaling && { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        // never drop below the requested capacity during a rollout
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels,
            annotations: {
              'dapr.io/enabled': 'true',
              'dapr.io/app-id': service,
              'dapr.io/app-port': String(appPort),
              'dapr.io/config': daprConfig.name,
              'dapr.io/log-level': dapr.logLevel,
              'dapr.io/api-token-secret': secretNames.daprApiToken(ctx),
              'dapr.io/app-token-secret': secretNames.appApiToken(ctx),
              'dapr.io/enable-metrics': 'true',
              ...sidecarResourceAnnotations(dapr.sidecarResources),
              'dapr.io/block-shutdown-duration': `${shutdown.sidecarBlockSeconds}s`,
              'dapr.io/graceful-shutdown-seconds': String(shutdown.sidecarDrainSeconds),
              // the injector's default (1 s timeout, every 1 s) can fail a healthy sidecar while a roll starts
              // eight pods on two cores, and an unready sidecar takes its pod out of the Service's endpoints
              'dapr.io/sidecar-readiness-probe-timeout-seconds': '3',
              'dapr.io/sidecar-readiness-probe-period-seconds': '2',
              ...(dapr.sidecarGoMaxProcs > 0 && { 'dapr.io/env': `GOMAXPROCS=${dapr.sidecarGoMaxProcs}` }),
              'shopstack.io/config-hash': contentHash(settings),
            },
          },
          spec: {
            serviceAccountName: props.serviceAccountName,
            terminationGracePeriodSeconds: shutdown.gracePeriodSeconds,
            securityContext: podSecurity(appUid),
            // replicas on different nodes when there are several; on a single node they still schedule
            affinity: spreadAcrossNodes(selector),
            ...(image.pullSecrets && { imagePullSecrets: image.pullSecrets.map((secret) => ({ name: secret })) }),
            // before the injected sidecar: daprd starts once the pod can reach its data stores
            ...(waitForStores && { initContainers: [waitForStores] }),
            containers: [
              {
                name: service,
                image: appImage,
                imagePullPolicy: image.pullPolicy,
                ports: [{ name: 'http', containerPort: appPort, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name } }],
                ...nonEmpty('env', secretEnv(ctx, service)),
                resources,
                startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
                // the default 1 s timeout can fail a healthy app while a roll starts eight pods on two cores
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'http' },
                  periodSeconds: 5,
                  timeoutSeconds: 3,
                  failureThreshold: 2,
                },
                lifecycle: { preStop: { sleep: { seconds: shutdown.appDelaySeconds } } },
                securityContext: ctx.spec.services[service].writableRootFilesystem
                  ? { ...containerSecurity, readOnlyRootFilesystem: false }
                  : containerSecurity,
                volumeMounts: [tmp.mount],
              },
            ],
            volumes: [tmp.volume],
          },
        },
      },
    });
    if (autoscaling && props.keda && eventConsumers.includes(service)) {
      new KedaConsumerScaler(this, 'Autoscaler', { ctx, service, autoscaling });
    } else if (autoscaling) {
      new ServiceAutoscaler(this, 'Autoscaler', { ctx, service, autoscaling });
    }
  }
}
