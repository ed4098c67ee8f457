import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AppService } from './app-service.ts';
import type { ShopStackSpecInput } from './spec.ts';
import { shopContext } from './testing/fixtures.ts';

const labels = {
  'app.kubernetes.io/component': 'app',
  'app.kubernetes.io/instance': 'demo',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/name': 'cart',
  'app.kubernetes.io/part-of': 'shopstack',
  'app.kubernetes.io/version': '1.2.3',
};
const selector = { 'app.kubernetes.io/instance': 'demo', 'app.kubernetes.io/name': 'cart' };
const metadata = { name: 'demo-cart', namespace: 'shop', labels };
const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: 'http' },
  periodSeconds,
  failureThreshold,
});

/** The pod annotations of cart's Deployment rendered with these `spec.dapr` settings. */
function cartPodAnnotations(dapr: NonNullable<ShopStackSpecInput['dapr']>): Record<string, string> {
  const chart = Testing.chart();
  new AppService(chart, 'cart', { ctx: shopContext({ dapr }), service: 'cart', serviceAccountName: 'demo-app' });
  return Testing.synth(chart).find((o) => o.kind === 'Deployment').spec.template.metadata.annotations;
}

describe('AppService', () => {
  it('with a default spec, renders exactly the Dapr Configuration, ConfigMap, Service and Deployment (one replica: no PDB)', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new AppService(chart, 'cart', { ctx: shopContext(), service: 'cart', serviceAccountName: 'demo-app' });

    // THEN
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Configuration',
        metadata: { ...metadata, labels: { ...labels, 'app.kubernetes.io/component': 'dapr' } },
        spec: {
          accessControl: {
            defaultAction: 'deny',
            trustDomain: 'public',
            policies: [
              { appId: 'gateway', defaultAction: 'allow', namespace: 'shop', trustDomain: 'public' },
              {
                appId: 'orders',
                defaultAction: 'deny',
                namespace: 'shop',
                trustDomain: 'public',
                operations: [{ name: '/cart', httpVerb: ['GET', 'DELETE'], action: 'allow' }],
              },
            ],
          },
          metrics: { enabled: true, http: { increasedCardinality: false } },
          mtls: {
            enabled: true,
            controlPlaneTrustDomain: 'cluster.local',
            sentryAddress: 'dapr-sentry.dapr-system.svc.cluster.local:443',
          },
          tracing: { samplingRate: '1' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata,
        data: {
          APP_PORT: '8080',
          HOST: '0.0.0.0',
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          NODE_OPTIONS: '--max-semi-space-size=2',
          OTEL_SERVICE_NAME: 'cart',
          STATE_STORE: 'statestore',
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          type: 'ClusterIP',
          selector,
          ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels,
              annotations: {
                'dapr.io/api-token-secret': 'demo-dapr-api-token',
                'dapr.io/app-id': 'cart',
                'dapr.io/app-port': '8080',
                'dapr.io/app-token-secret': 'demo-app-api-token',
                'dapr.io/block-shutdown-duration': '25s',
                'dapr.io/config': 'demo-cart',
                'dapr.io/enable-metrics': 'true',
                'dapr.io/enabled': 'true',
                'dapr.io/env': 'GOMAXPROCS=1',
                'dapr.io/graceful-shutdown-seconds': '5',
                'dapr.io/log-level': 'info',
                'dapr.io/sidecar-cpu-request': '10m',
                'dapr.io/sidecar-memory-request': '64Mi',
                'dapr.io/sidecar-memory-limit': '512Mi',
                'dapr.io/sidecar-readiness-probe-period-seconds': '2',
                'dapr.io/sidecar-readiness-probe-timeout-seconds': '3',
                'shopstack.io/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/),
              },
            },
            spec: {
              serviceAccountName: 'demo-app',
              // longer than the sidecar's block and drain and the app's preStop sleep and drain
              terminationGracePeriodSeconds: 45,
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: {
                        topologyKey: 'kubernetes.io/hostname',
                        labelSelector: { matchLabels: selector },
                      },
                    },
                  ],
                },
              },
              securityContext: {
                fsGroup: 10001,
                runAsGroup: 10001,
                runAsNonRoot: true,
                runAsUser: 10001,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              // before the sidecar: daprd starts once the pod reaches the data store of its state store
              initContainers: [
                {
                  name: 'wait-for-stores',
                  image: 'ghcr.io/shopstack/cart:1.2.3',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['node', '-e', expect.stringContaining("require('node:net')"), 'demo-postgres:5432'],
                  resources: {
                    requests: { cpu: '40m', memory: '128Mi', 'ephemeral-storage': '32Mi' },
                    limits: { memory: '256Mi', 'ephemeral-storage': '128Mi' },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'] },
                    readOnlyRootFilesystem: true,
                  },
                },
              ],
              containers: [
                {
                  name: 'cart',
                  image: 'ghcr.io/shopstack/cart:1.2.3',
                  imagePullPolicy: 'IfNotPresent',
                  envFrom: [{ configMapRef: { name: 'demo-cart' } }],
                  env: [
                    {
                      name: 'APP_API_TOKEN',
                      valueFrom: { secretKeyRef: { name: 'demo-app-api-token', key: 'token' } },
                    },
                    {
                      name: 'DAPR_API_TOKEN',
                      valueFrom: { secretKeyRef: { name: 'demo-dapr-api-token', key: 'token' } },
                    },
                  ],
                  ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: '40m', memory: '128Mi', 'ephemeral-storage': '32Mi' },
                    limits: { memory: '256Mi', 'ephemeral-storage': '128Mi' },
                  },
                  startupProbe: probe('/healthz', 2, 60),
                  livenessProbe: probe('/healthz', 10, 3),
                  readinessProbe: { ...probe('/readyz', 5, 2), timeoutSeconds: 3 },
                  // the app serves until its sidecar stopped taking calls (10 s block + 5 s drain)
                  lifecycle: { preStop: { sleep: { seconds: 30 } } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'] },
                    readOnlyRootFilesystem: true,
                  },
                  volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }],
                },
              ],
              volumes: [{ emptyDir: { sizeLimit: '64Mi' }, name: 'tmp' }],
            },
          },
        },
      },
    ]);
  });

  it('with several replicas, a budget lets a drain take one pod at a time', () => {
    // GIVEN
    const chart = Testing.chart();
    const ctx = shopContext({ services: { cart: { replicas: 3 } } });

    // WHEN
    new AppService(chart, 'cart', { ctx, service: 'cart', serviceAccountName: 'demo-app' });

    // THEN
    expect(Testing.synth(chart).filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
    ]);
  });

  it("when the spec sets the sidecars' resources, daprd gets them through Dapr's annotations", () => {
    // WHEN
    const annotations = cartPodAnnotations({
      sidecarResources: { requests: { cpu: '25m', memory: '96Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    });

    // THEN
    expect(annotations).toMatchObject({
      'dapr.io/sidecar-cpu-request': '25m',
      'dapr.io/sidecar-memory-request': '96Mi',
      'dapr.io/sidecar-cpu-limit': '1',
      'dapr.io/sidecar-memory-limit': '1Gi',
    });
  });

  it('when its settings change, the pod template hash changes so the pods roll', () => {
    // GIVEN
    const render = (logLevel: 'info' | 'debug') => cartPodAnnotations({ logLevel })['shopstack.io/config-hash'];

    // WHEN / THEN
    expect(render('info')).not.toBe(render('debug'));
  });

  it("when the spec sets the sidecars' GOMAXPROCS, the pod passes it to daprd; 0 leaves Go's default", () => {
    // GIVEN
    const envOf = (sidecarGoMaxProcs: number) => cartPodAnnotations({ sidecarGoMaxProcs })['dapr.io/env'];

    // WHEN / THEN
    expect(envOf(4)).toBe('GOMAXPROCS=4');
    expect(envOf(0)).toBeUndefined();
  });

  it("when Tilt asks for a writable root filesystem, only that service's app container gets one", () => {
    // GIVEN
    const chart = Testing.chart();
    const ctx = shopContext({ services: { cart: { writableRootFilesystem: true } } });

    // WHEN
    new AppService(chart, 'cart', { ctx, service: 'cart', serviceAccountName: 'demo-app' });
    new AppService(chart, 'catalog', { ctx, service: 'catalog', serviceAccountName: 'demo-app' });

    // THEN
    const securityOf = (name: string) =>
      Testing.synth(chart).find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec
        .containers[0].securityContext;
    expect(securityOf('demo-cart')).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(securityOf('demo-catalog').readOnlyRootFilesystem).toBe(true);
  });
});
