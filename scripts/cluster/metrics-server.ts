// metrics-server on the kind cluster: the resource metrics API (metrics.k8s.io) that a HorizontalPodAutoscaler
// reads CPU from. It verifies the kubelet it scrapes: the kubelet serves a certificate signed by the
// cluster's CA (kubelet `serverTLSBootstrap: true`, kind-config.yaml), whose request the bring-up approves
// here, instead of the self-signed one a kind node has by default (which would need --kubelet-insecure-tls).
// The API server verifies metrics-server in turn: its serving certificate is signed by a local CA that the
// APIService names (scripts/cluster/metrics-server-tls.ts says why). It runs in kube-system, where no
// NetworkPolicy selects pods: the API server reaches it, it reaches the kubelet on the node's address, and
// the shop's policies (they select the shop's pods only) are not in the way.
import { waitFor } from '../common/proc.ts';
import { versions } from '../runtimes/binaries.ts';
import { apply, type ClusterTools, kubectl, type Progress } from './addons.ts';
import { exec, execOrThrow } from './exec.ts';
import { ensureMetricsServerCertificate, type ServingCertificate } from './metrics-server-tls.ts';

const name = 'metrics-server';
const namespace = 'kube-system';
const kubeletConfig = '/var/lib/kubelet/config.yaml';
const servingSigner = 'kubernetes.io/kubelet-serving';
const tlsSecretName = 'metrics-server-tls';
const apiServiceName = 'v1beta1.metrics.k8s.io';

/**
 * The Deployment with its serving certificate's Secret, its Service, and RBAC as upstream's manifests/base
 * has them; the APIService comes apart (metricsServerApiService), once the Service has a ready endpoint.
 */
export function metricsServerObjects(image: string, tls: ServingCertificate): unknown[] {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shopstack-cluster' };
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];
  const binding = (
    kind: 'ClusterRoleBinding' | 'RoleBinding',
    bindingName: string,
    role: string,
    roleKind: string,
  ) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: bindingName, ...(kind === 'RoleBinding' ? { namespace } : {}), labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
    subjects,
  });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: tlsSecretName, namespace, labels },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': tls.certPem, 'tls.key': tls.keyPem },
    },
    {
      // who may read pod and node metrics: the built-in view, edit and admin roles
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          ...labels,
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        },
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics-server', labels },
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    binding('ClusterRoleBinding', 'system:metrics-server', 'system:metrics-server', 'ClusterRole'),
    binding('ClusterRoleBinding', 'metrics-server:system:auth-delegator', 'system:auth-delegator', 'ClusterRole'),
    binding('RoleBinding', 'metrics-server-auth-reader', 'extension-apiserver-authentication-reader', 'Role'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        selector: { 'app.kubernetes.io/name': name },
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', appProtocol: 'https' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        strategy: { rollingUpdate: { maxUnavailable: 0 } },
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            priorityClassName: 'system-cluster-critical',
            // the key is readable by the group the container runs in, whatever its user (the image's or upstream's)
            securityContext: { fsGroup: 2000 },
            volumes: [
              { name: 'tmp-dir', emptyDir: {} },
              { name: 'tls', secret: { secretName: tlsSecretName, defaultMode: 0o440 } },
            ],
            containers: [
              {
                name,
                image,
                imagePullPolicy: 'IfNotPresent',
                command: [`/${name}`],
                args: [
                  '--secure-port=10250',
                  // reloaded when the Secret changes
                  '--tls-cert-file=/tls/tls.crt',
                  '--tls-private-key-file=/tls/tls.key',
                  // kind's node has an InternalIP only; the kubelet's serving certificate names it
                  '--kubelet-preferred-address-types=InternalIP',
                  '--kubelet-use-node-status-port',
                  '--metric-resolution=15s',
                ],
                ports: [{ name: 'https', containerPort: 10250, protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                  initialDelaySeconds: 20,
                },
                livenessProbe: {
                  httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                // upstream asks 100m; one kind node's 2 CPU are mostly the shop's
                resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  seccompProfile: { type: 'RuntimeDefault' },
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'tmp-dir', mountPath: '/tmp' },
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                ],
              },
            ],
          },
        },
      },
    },
  ];
}

/** The APIService: the API server proxies metrics.k8s.io to the Service, verifying it against `caPem`. */
export function metricsServerApiService(caPem: string): unknown {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      name: apiServiceName,
      labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shopstack-cluster' },
    },
    spec: {
      service: { name, namespace, port: 443 },
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      caBundle: Buffer.from(caPem).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  };
}

interface Csr {
  metadata: { name: string };
  spec: { signerName: string; username: string; usages?: string[] };
  status?: { conditions?: { type: string }[] };
}

/**
 * Whether `csr` is a pending kubelet serving certificate request of one of `nodes`, made by that node's own
 * kubelet and asking for server auth only: the requests the bring-up approves (the controller manager signs
 * them, but approves none: that is left to the cluster's owner).
 */
export function isNodeServingRequest(csr: Csr, nodes: readonly string[]): boolean {
  const usages = new Set(csr.spec.usages ?? []);
  return (
    csr.spec.signerName === servingSigner &&
    nodes.some((node) => csr.spec.username === `system:node:${node}`) &&
    usages.has('server auth') &&
    [...usages].every((u) => ['server auth', 'digital signature', 'key encipherment'].includes(u)) &&
    !(csr.status?.conditions ?? []).length
  );
}

/**
 * A cluster created before kind-config.yaml asked for it has a kubelet with a self-signed serving
 * certificate: turns on serverTLSBootstrap in the node's kubelet configuration and restarts the kubelet
 * (the pods keep running).
 */
async function ensureServerTlsBootstrap(nodeId: string, progress: Progress): Promise<void> {
  const found = await exec('docker', ['exec', nodeId, 'grep', '-q', '^serverTLSBootstrap: true', kubeletConfig]);
  if (found.code === 0) return;
  progress('metrics-server: turning on the kubelet serving certificate signed by the cluster CA (kubelet restart)');
  await execOrThrow('kubelet serverTLSBootstrap', 'docker', [
    'exec',
    nodeId,
    'sh',
    '-c',
    `sed -i '/^serverTLSBootstrap:/d' ${kubeletConfig} && echo 'serverTLSBootstrap: true' >> ${kubeletConfig} && systemctl restart kubelet`,
  ]);
}

/** Where the kubelet keeps the serving certificate it was issued (kubelet-server-<date>.pem). */
const servingCertificate = '/var/lib/kubelet/pki/kubelet-server-current.pem';

/**
 * Approves the node's pending kubelet serving certificate requests until the kubelet holds its certificate.
 * (Approved requests are deleted by the controller manager after an hour: the file is what tells.)
 */
async function approveKubeletServing(tools: ClusterTools, nodeId: string, progress: Progress): Promise<void> {
  const nodes = (await kubectl(tools, ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ');
  await waitFor(
    "the kubelet's serving certificate signed by the cluster CA",
    async () => {
      const csrs = (JSON.parse(await kubectl(tools, ['get', 'csr', '-o', 'json'])) as { items: Csr[] }).items;
      for (const csr of csrs.filter((c) => isNodeServingRequest(c, nodes))) {
        progress(`kubelet: approving ${csr.metadata.name}, the serving certificate request of ${csr.spec.username}`);
        await kubectl(tools, ['certificate', 'approve', csr.metadata.name]);
      }
      const held = await exec('docker', ['exec', nodeId, 'test', '-s', servingCertificate]);
      return held.code === 0 ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2_000 },
  );
}

/**
 * The kubelet of node container `nodeId` serving a certificate signed by the cluster CA, which metrics-server
 * verifies: turned on for a cluster made before kind-config.yaml asked for it, its request approved.
 */
export async function ensureKubeletServingCertificate(
  tools: ClusterTools,
  nodeId: string,
  progress: Progress,
): Promise<void> {
  await ensureServerTlsBootstrap(nodeId, progress);
  await approveKubeletServing(tools, nodeId, progress);
}

/** Whether the metrics-server Service has a ready endpoint, which kube-proxy then translates its ClusterIP to. */
async function serviceReady(tools: ClusterTools): Promise<true | undefined> {
  const ready = await kubectl(tools, [
    '-n',
    namespace,
    'get',
    'endpointslices',
    '-l',
    `kubernetes.io/service-name=${name}`,
    '-o',
    'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}',
  ]);
  return ready.trim() ? true : undefined;
}

/** Whether the API server answers a node's metrics through the APIService, as the HPA controller asks. */
async function nodeMetricsServed(tools: ClusterTools): Promise<true | undefined> {
  const list = JSON.parse(await kubectl(tools, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'])) as {
    items?: unknown[];
  };
  return (list.items ?? []).length > 0 ? true : undefined;
}

/**
 * Installs metrics-server (restarted when its image was reloaded), then its APIService once the Service has a
 * ready endpoint, and waits until the API server answers the node's metrics through it.
 */
export async function installMetricsServer(
  tools: ClusterTools,
  progress: Progress,
  imageChanged = false,
): Promise<void> {
  const image =
    tools.images?.metricsServer ?? `registry.k8s.io/metrics-server/metrics-server:${versions.METRICS_SERVER_VERSION}`;
  progress(`installing metrics-server (${image}) for the autoscalers' CPU metrics`);
  const tls = await ensureMetricsServerCertificate({ name, namespace }, progress);
  await apply(tools, metricsServerObjects(image, tls));
  if (imageChanged) await kubectl(tools, ['-n', namespace, 'rollout', 'restart', `deployment/${name}`]);
  try {
    await kubectl(tools, ['-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=180s']);
    await waitFor('a ready endpoint of the metrics-server Service', () => serviceReady(tools), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
    await apply(tools, [metricsServerApiService(tls.caPem)]);
    // the API server checks an APIService's backend on its own schedule: a busy node takes minutes
    await kubectl(tools, ['wait', '--for=condition=Available', `apiservice/${apiServiceName}`, '--timeout=240s']);
    // the first scrape comes within one --metric-resolution
    await waitFor('the node metrics served through the API server', () => nodeMetricsServed(tools), {
      timeoutMs: 120_000,
      intervalMs: 3_000,
    });
  } catch (err) {
    const logs = await kubectl(tools, ['-n', namespace, 'logs', `deployment/${name}`, '--tail=20']).catch(() => '');
    const available = await kubectl(tools, [
      'get',
      'apiservice',
      apiServiceName,
      '-o',
      'jsonpath={.status.conditions[0].message}',
    ]).catch(() => '');
    throw new Error(`${(err as Error).message}\nAPIService: ${available}\nmetrics-server's last lines:\n${logs}`, {
      cause: err,
    });
  }
}
