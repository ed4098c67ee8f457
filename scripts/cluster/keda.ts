// KEDA on the kind cluster: its operator (`keda`, which turns a ScaledObject into a HorizontalPodAutoscaler and
// reads the scalers, such as Redis Streams' pending entries) and its external metrics API server
// (`keda-adapter`, the external.metrics.k8s.io the autoscaler asks). As upstream's config/ has them, without
// the admission webhooks (they only pre-check ScaledObjects, which the ShopStack operator renders itself).
// The CRDs and the operator's ClusterRole come from the module, kept by scripts/runtimes/build-keda.sh.
// The operator makes and rotates the TLS certificates between the two (Secret kedaorg-certs) and puts their
// CA in the APIService. Namespace `keda` has no NetworkPolicy; a shop lets KEDA's operator reach its Redis
// (NetworkPolicy <shop>-redis-keda, cdk8s/src/keda.ts), which selects it by app.kubernetes.io/name.
import { join } from 'node:path';
import { cacheDir, versions } from '../runtimes/binaries.ts';
import { apply, type ClusterTools, kubectl, type Progress } from './addons.ts';

export const kedaNamespace = 'keda';
const namespace = kedaNamespace;
const account = 'keda-operator';
const operatorName = 'keda-operator';
const adapterName = 'keda-metrics-apiserver';

/** The CRDs and RBAC build-keda.sh keeps from the module, at the pinned version. */
export const kedaFiles = (): { crds: string; rbac: string } => {
  const dir = join(cacheDir, `keda-${versions.KEDA_VERSION}`);
  return { crds: join(dir, 'crds'), rbac: join(dir, 'rbac', 'role.yaml') };
};

const securityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'] },
};

const podEnv = [
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'WATCH_NAMESPACE', value: '' },
];

function deployment(name: string, container: Record<string, unknown>, volumes: unknown[]): unknown {
  const labels = { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shopstack-cluster' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: account,
          securityContext: { runAsNonRoot: true },
          terminationGracePeriodSeconds: 10,
          volumes,
          containers: [
            {
              name,
              imagePullPolicy: 'IfNotPresent',
              env: podEnv,
              // upstream asks 100m each; one kind node's 2 CPU are mostly the shop's
              resources: { requests: { cpu: '20m', memory: '96Mi' }, limits: { memory: '1000Mi' } },
              securityContext,
              ...container,
            },
          ],
        },
      },
    },
  };
}

/** Everything but the CRDs and the operator's ClusterRole and Role (role.yaml): `images` by binary. */
export function kedaObjects(images: { readonly operator: string; readonly adapter: string }): unknown[] {
  const labels = { 'app.kubernetes.io/part-of': 'shopstack-cluster' };
  const subjects = [{ kind: 'ServiceAccount', name: account, namespace }];
  const rbac = 'rbac.authorization.k8s.io';
  const bind = (
    kind: string,
    name: string,
    roleKind: string,
    role: string,
    ns?: string,
    who: unknown[] = subjects,
  ) => ({
    apiVersion: `${rbac}/v1`,
    kind,
    metadata: { name, ...(ns ? { namespace: ns } : {}), labels },
    roleRef: { apiGroup: rbac, kind: roleKind, name: role },
    subjects: who,
  });
  const certificates = {
    name: 'certificates',
    secret: { secretName: 'kedaorg-certs', defaultMode: 0o444, optional: true },
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace, labels } },
    bind('ClusterRoleBinding', 'keda-operator', 'ClusterRole', 'keda-operator'),
    bind('RoleBinding', 'keda-operator', 'Role', 'keda-operator', namespace),
    // the metrics API server: delegated authentication and authorization, as every aggregated API server
    bind('ClusterRoleBinding', 'keda-system-auth-delegator', 'ClusterRole', 'system:auth-delegator'),
    bind('RoleBinding', 'keda-auth-reader', 'Role', 'extension-apiserver-authentication-reader', 'kube-system'),
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'keda-external-metrics-reader', labels },
      rules: [{ apiGroups: ['external.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    },
    // the autoscaler (the controller manager's HPA controller) reads KEDA's metrics
    bind(
      'ClusterRoleBinding',
      'keda-hpa-controller-external-metrics',
      'ClusterRole',
      'keda-external-metrics-reader',
      undefined,
      [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }],
    ),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: operatorName, namespace, labels },
      spec: {
        selector: { app: operatorName },
        ports: [
          { name: 'metricsservice', port: 9666, targetPort: 9666 },
          { name: 'metrics', port: 8080, targetPort: 8080 },
        ],
      },
    },
    deployment(
      operatorName,
      {
        image: images.operator,
        command: ['/keda'],
        args: [
          '--leader-elect',
          '--zap-log-level=info',
          '--zap-encoder=console',
          '--zap-time-encoding=rfc3339',
          '--enable-cert-rotation=true',
          // no admission webhooks here
          '--enable-webhook-patching=false',
        ],
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metricsservice', containerPort: 9666, protocol: 'TCP' },
        ],
        livenessProbe: { httpGet: { path: '/healthz', port: 8081 }, initialDelaySeconds: 25 },
        readinessProbe: { httpGet: { path: '/readyz', port: 8081 }, initialDelaySeconds: 5 },
        volumeMounts: [{ name: 'certificates', mountPath: '/certs', readOnly: true }],
      },
      [certificates],
    ),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: adapterName, namespace, labels },
      spec: {
        selector: { app: adapterName },
        ports: [
          { name: 'https', port: 443, targetPort: 6443 },
          { name: 'metrics', port: 8080, targetPort: 8080 },
        ],
      },
    },
    deployment(
      adapterName,
      {
        image: images.adapter,
        command: ['/keda-adapter'],
        args: [
          '--secure-port=6443',
          '--zap-log-level=error',
          '--client-ca-file=/certs/ca.crt',
          '--tls-cert-file=/certs/tls.crt',
          '--tls-private-key-file=/certs/tls.key',
          '--cert-dir=/certs',
        ],
        ports: [
          { name: 'https', containerPort: 6443 },
          { name: 'http', containerPort: 8080 },
        ],
        livenessProbe: { httpGet: { scheme: 'HTTPS', path: '/healthz', port: 6443 }, initialDelaySeconds: 5 },
        readinessProbe: { httpGet: { scheme: 'HTTPS', path: '/readyz', port: 6443 }, initialDelaySeconds: 5 },
        volumeMounts: [
          { name: 'temp-vol', mountPath: '/tmp' },
          { name: 'certificates', mountPath: '/certs', readOnly: true },
        ],
      },
      // the adapter needs the operator's certificates: it waits for the Secret
      [
        { name: 'temp-vol', emptyDir: {} },
        { ...certificates, secret: { ...certificates.secret, optional: false } },
      ],
    ),
    {
      // its caBundle is the operator's to fill (certificate rotation)
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.external.metrics.k8s.io', labels },
      spec: {
        service: { name: adapterName, namespace },
        group: 'external.metrics.k8s.io',
        version: 'v1beta1',
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}

/**
 * Installs KEDA's CRDs, its operator and metrics API server (restarted when their images were reloaded), and
 * waits until the API server serves external.metrics.k8s.io.
 */
export async function installKeda(tools: ClusterTools, progress: Progress, imagesChanged = false): Promise<void> {
  const tag = versions.KEDA_VERSION as string;
  const images = tools.images?.keda ?? {
    operator: `ghcr.io/kedacore/keda:${tag.replace(/^v/, '')}`,
    adapter: `ghcr.io/kedacore/keda-metrics-apiserver:${tag.replace(/^v/, '')}`,
  };
  progress(`installing KEDA ${tag} (${images.operator}, ${images.adapter}; namespace ${namespace})`);
  const files = kedaFiles();
  const serverSide = ['apply', '--server-side', '--force-conflicts', '--field-manager=shopstack-cluster'];
  await kubectl(tools, [...serverSide, '-f', files.crds]);
  await apply(tools, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
  await kubectl(tools, [...serverSide, '-f', files.rbac]);
  await apply(tools, kedaObjects(images));
  for (const name of [operatorName, adapterName]) {
    if (imagesChanged) await kubectl(tools, ['-n', namespace, 'rollout', 'restart', `deployment/${name}`]);
  }
  try {
    for (const name of [operatorName, adapterName])
      await kubectl(tools, ['-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=240s']);
    await kubectl(tools, [
      'wait',
      '--for=condition=Available',
      'apiservice/v1beta1.external.metrics.k8s.io',
      '--timeout=240s',
    ]);
  } catch (err) {
    const logs = await kubectl(tools, ['-n', namespace, 'logs', `deployment/${operatorName}`, '--tail=20']).catch(
      () => '',
    );
    throw new Error(`${(err as Error).message}\nKEDA's operator, last lines:\n${logs}`, { cause: err });
  }
}
