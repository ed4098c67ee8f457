// The NetworkPolicy enforcer of the kind cluster. Our node image's static bridge CNI accepts policies but
// enforces none, so kube-router runs on the node with only its firewall (iptables + ipset): the controller
// k3s embeds. kind's own CNI, kindnetd (a kindest/node pulled on a laptop), enforces them itself.
// Not sigs.k8s.io/kube-network-policies: see KUBE_ROUTER_VERSION in scripts/runtimes/versions.env.
import { versions } from '../runtimes/binaries.ts';
import { apply, type ClusterTools, kubectl, type Progress } from './addons.ts';

const name = 'kube-router';
const namespace = 'kube-system';
/** kube-router's health endpoint (on the node's network). */
const healthPort = 20244;
/** kind's Service range (kubeadm's default): kube-router lets traffic to Service IPs through to kube-proxy. */
export const serviceRange = '10.96.0.0/16';

/** The DaemonSet and its read-only RBAC: kube-router lists and watches what its informers need, nothing more. */
export function kubeRouterObjects(image: string): unknown[] {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shopstack-cluster' };
  const readOnly = ['get', 'list', 'watch'];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `shopstack-${name}`, labels },
      rules: [
        // its shared informer factory starts Service and Endpoints informers even with the proxy off
        {
          apiGroups: [''],
          resources: ['namespaces', 'pods', 'nodes', 'services', 'endpoints'],
          verbs: readOnly,
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: readOnly },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: readOnly },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `shopstack-${name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `shopstack-${name}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace, labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            priorityClassName: 'system-node-critical',
            // it writes the node's iptables rules and ipsets
            hostNetwork: true,
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name,
                image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--run-firewall=true',
                  '--run-router=false',
                  '--run-service-proxy=false',
                  '--run-loadbalancer=false',
                  `--service-cluster-ip-range=${serviceRange}`,
                  `--health-port=${healthPort}`,
                  '--metrics-port=0',
                ],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                livenessProbe: { httpGet: { path: '/healthz', port: healthPort }, periodSeconds: 10 },
                resources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '192Mi' } },
                securityContext: {
                  // iptables and ipset need NET_ADMIN (and NET_RAW) in the node's network namespace, nothing else
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
                },
                volumeMounts: [{ name: 'xtables-lock', mountPath: '/run/xtables.lock' }],
              },
            ],
            // shared with kube-proxy, so that the two never rewrite the tables at once
            volumes: [{ name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } }],
          },
        },
      },
    },
  ];
}

/** True when kind's own CNI (kindnetd) runs: it enforces NetworkPolicies itself. */
async function kindnetdRuns(tools: ClusterTools): Promise<boolean> {
  const found = await kubectl(tools, ['-n', namespace, 'get', 'daemonsets', '-o', 'name']);
  return found.split('\n').includes('daemonset.apps/kindnet');
}

/**
 * Installs kube-router's firewall unless kindnetd enforces the policies already, restarts it when its image
 * was reloaded (`imageChanged`), and waits until it runs.
 */
export async function installNetworkPolicyEnforcer(
  tools: ClusterTools,
  progress: Progress,
  imageChanged = false,
): Promise<void> {
  if (await kindnetdRuns(tools)) {
    progress("NetworkPolicies: enforced by kind's own CNI (kindnetd)");
    return;
  }
  const image = tools.images?.kubeRouter ?? `docker.io/cloudnativelabs/kube-router:${versions.KUBE_ROUTER_VERSION}`;
  progress(`NetworkPolicies: installing kube-router's firewall (${image}) to enforce them`);
  await apply(tools, kubeRouterObjects(image));
  if (imageChanged) await kubectl(tools, ['-n', namespace, 'rollout', 'restart', `daemonset/${name}`]);
  try {
    await kubectl(tools, ['-n', namespace, 'rollout', 'status', `daemonset/${name}`, '--timeout=180s']);
  } catch (err) {
    const logs = await kubectl(tools, ['-n', namespace, 'logs', `daemonset/${name}`, '--tail=20']).catch(() => '');
    throw new Error(`${(err as Error).message}\nkube-router's last lines:\n${logs}`, { cause: err });
  }
}
