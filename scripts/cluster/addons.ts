// What `npm run cluster` installs on the kind cluster: Dapr's control plane (Helm, the chart inside the
// Dapr module), Traefik as the ingress controller, the ShopStack operator (charts/shopstack-operator).
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from '../common/proc.ts';
import { cacheDir, findBinary, pathDirs, versions } from '../runtimes/binaries.ts';
import { exec, execOrThrow } from './exec.ts';
import type { ImageSet } from './images.ts';

export type Progress = (line: string) => void;

const root = resolve(import.meta.dirname, '../..');
export const daprNamespace = 'dapr-system';
export const ingressNamespace = 'ingress';
export const operatorNamespace = 'shopstack-system';

/** Where the cluster's tools and images come from. */
export interface ClusterTools {
  readonly kubeconfig: string;
  readonly kubectl: string;
  readonly helm: string;
  /** Images built here (shopstack.local/…), or null to use the upstream registries. */
  readonly images: ImageSet | null;
}

/** kubectl: from PATH, else the project's cache (built with the kind node image). */
export function kubectlBinary(): string {
  const kube = join(cacheDir, `kubernetes-${versions.KUBERNETES_VERSION}`, 'bin');
  const kubectl = findBinary('kubectl', [...pathDirs(), kube]);
  if (!kubectl) throw new Error(`kubectl not found on PATH or in ${kube}: run npm run cluster, which builds it`);
  return kubectl;
}

/** Runs kubectl against the cluster, feeding `stdin`; returns stdout or throws with kubectl's error. */
export function kubectl(tools: ClusterTools, args: readonly string[], stdin = ''): Promise<string> {
  return execOrThrow(
    `kubectl ${args.slice(0, 3).join(' ')}`,
    tools.kubectl,
    ['--kubeconfig', tools.kubeconfig, ...args],
    {
      input: stdin,
    },
  );
}

/** Applies objects (server-side, one field manager) and returns kubectl's summary. */
export function apply(tools: ClusterTools, objects: readonly unknown[]): Promise<string> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  return kubectl(
    tools,
    ['apply', '--server-side', '--force-conflicts', '--field-manager=shopstack-cluster', '-f', '-'],
    list,
  );
}

/** Dapr's Helm chart: from the cache, else copied out of the Dapr Go module, else Dapr's Helm repository. */
async function daprChart(): Promise<string[]> {
  const version = versions.DAPR_VERSION as string;
  const cached = join(cacheDir, `dapr-${version}`, 'chart');
  if (existsSync(join(cached, 'Chart.yaml'))) return [cached];
  const go = findBinary('go', pathDirs());
  if (go) {
    const json = await execOrThrow('go mod download of the Dapr module', go, [
      'mod',
      'download',
      '-json',
      `github.com/dapr/dapr@${version}`,
    ]);
    const dir = (JSON.parse(json) as { Dir: string }).Dir;
    cpSync(join(dir, 'charts', 'dapr'), cached, { recursive: true });
    await exec('chmod', ['-R', 'u+w', cached]);
    return [cached];
  }
  return ['dapr', '--repo', 'https://dapr.github.io/helm-charts', '--version', version.replace(/^v/, '')];
}

/** Dapr's control plane: mTLS on, HA off, scheduler and placement in memory, the injector adding daprd. */
export async function installDapr(tools: ClusterTools, progress: Progress): Promise<void> {
  const tag = (versions.DAPR_VERSION as string).replace(/^v/, '');
  const registry = tools.images?.dapr.registry ?? 'ghcr.io/dapr';
  progress(`installing Dapr ${tag}'s control plane from ${registry} (Helm, namespace ${daprNamespace})`);
  const chart = await daprChart();
  await execOrThrow('helm install of Dapr', tools.helm, [
    '--kubeconfig',
    tools.kubeconfig,
    'upgrade',
    '--install',
    'dapr',
    ...chart,
    '--namespace',
    daprNamespace,
    '--create-namespace',
    '--wait',
    '--timeout',
    '10m',
    '--set',
    `global.registry=${registry}`,
    '--set',
    `global.tag=${tag}`,
    '--set',
    'global.ha.enabled=false',
    '--set',
    'global.mtls.enabled=true',
    '--set',
    'dapr_scheduler.cluster.inMemoryStorage=true',
    '--set',
    'dapr_placement.cluster.forceInMemoryLog=true',
  ]);
  await waitForSidecarInjector(tools, progress);
}

/**
 * Waits until Dapr's injector really patches pods. Its webhook fails open (failurePolicy Ignore), so a pod
 * created before it answers runs without daprd for ever, and Ready alone does not prove it answers. Asks the
 * API server for a dry-run Pod as the ReplicaSet controller would create it (Dapr patches only pods made by
 * the workload controllers) until the answer carries daprd.
 */
export async function waitForSidecarInjector(tools: ClusterTools, progress: Progress): Promise<void> {
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'dapr-injector-probe',
      namespace: 'default',
      annotations: { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'injector-probe' },
    },
    spec: { containers: [{ name: 'probe', image: 'injector-probe' }] },
  };
  const asController = ['--as', 'system:serviceaccount:kube-system:replicaset-controller'];
  const dryRun = [
    'create',
    '--dry-run=server',
    ...asController,
    '-o',
    'jsonpath={.spec.containers[*].name}',
    '-f',
    '-',
  ];
  let tries = 0;
  await waitFor(
    "Dapr's sidecar injector to patch a dry-run pod",
    async () => {
      if (tries++ === 1) progress("  waiting for Dapr's sidecar injector to patch pods");
      const containers = await kubectl(tools, dryRun, JSON.stringify(probe));
      return containers.split(' ').includes('daprd') ? true : undefined;
    },
    { timeoutMs: 5 * 60_000, intervalMs: 2_000 },
  );
}

/** Traefik, serving Ingresses of the default IngressClass on the node's ports 80/443 (kind maps them to 127.0.0.1). */
export function traefikObjects(image: string): unknown[] {
  const name = 'traefik';
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shopstack-cluster' };
  const namespace = ingressNamespace;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'shopstack-traefik', labels },
      rules: [
        { apiGroups: [''], resources: ['services', 'secrets', 'nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        {
          apiGroups: ['networking.k8s.io'],
          resources: ['ingresses', 'ingressclasses'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'shopstack-traefik', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'shopstack-traefik' },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name, labels, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: 'traefik.io/ingress-controller' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        // hostPorts cannot be shared: the old pod must go before the new one binds
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 },
            containers: [
              {
                name,
                image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--entryPoints.web.address=:8000',
                  '--entryPoints.websecure.address=:8443',
                  '--entryPoints.traefik.address=:9000',
                  '--providers.kubernetesIngress=true',
                  '--ping=true',
                  '--global.checkNewVersion=false',
                  '--global.sendAnonymousUsage=false',
                  '--log.level=INFO',
                ],
                ports: [
                  { name: 'web', containerPort: 8000, hostPort: 80, protocol: 'TCP' },
                  { name: 'websecure', containerPort: 8443, hostPort: 443, protocol: 'TCP' },
                  { name: 'traefik', containerPort: 9000, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ping', port: 'traefik' }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/ping', port: 'traefik' }, periodSeconds: 10 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  ];
}

export async function installTraefik(tools: ClusterTools, progress: Progress): Promise<void> {
  const image = tools.images?.traefik ?? `traefik:${versions.TRAEFIK_VERSION}`;
  progress(`installing Traefik (${image}) as the ingress controller on 127.0.0.1:80 and :443`);
  await apply(tools, traefikObjects(image));
  await kubectl(tools, ['-n', ingressNamespace, 'rollout', 'status', 'deployment/traefik', '--timeout=180s']);
}

/** The ShopStack operator from charts/shopstack-operator, one replica on kind. */
export async function installOperator(tools: ClusterTools, version: string, progress: Progress): Promise<void> {
  const repository = tools.images ? tools.images.operator.replace(/:[^:/]+$/, '') : 'ghcr.io/shopstack/operator';
  progress(`installing the ShopStack operator (${repository}:${version}, namespace ${operatorNamespace})`);
  // Helm installs a chart's CRDs with the first release only: a schema change reaches an older cluster here
  await kubectl(tools, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    join(root, 'charts', 'shopstack-operator', 'crds'),
  ]);
  await execOrThrow('helm install of the operator', tools.helm, [
    '--kubeconfig',
    tools.kubeconfig,
    'upgrade',
    '--install',
    'shopstack-operator',
    join(root, 'charts', 'shopstack-operator'),
    '--namespace',
    operatorNamespace,
    '--create-namespace',
    '--wait',
    '--timeout',
    '5m',
    '--set',
    `image.repository=${repository}`,
    '--set',
    `image.tag=${version}`,
    '--set',
    'replicaCount=1',
  ]);
}
