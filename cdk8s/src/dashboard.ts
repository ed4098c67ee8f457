import type { V1Role, V1RoleBinding, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { appPort } from './profiles.ts';
import { meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
import { shopIngress } from './ingress-tls.ts';
import { webDeployment } from './web-deployment.ts';
import { kubeObject } from './kube-object.ts';
import { apiServerEgress, type PolicySpec } from './network-policies.ts';
import { containerSecurity } from './security.ts';

/** Where the Dapr view lives on the shop's ingress host (the page and its JSON are served under it). */
export const dashboardPath = '/dapr';
const port = 8080;

/**
 * What the Dapr view reads, and nothing more: it lists these in the shop's namespace. The operator must
 * hold every one of these permissions to grant them (RBAC escalation rules).
 */
export const dashboardRules = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
  {
    apiGroups: ['dapr.io'],
    resources: ['components', 'configurations', 'subscriptions', 'resiliencies'],
    verbs: ['get', 'list'],
  },
  // the shop's conditions and latest Events
  { apiGroups: ['shopstack.io'], resources: ['shopstacks'], verbs: ['list'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list'] },
];

/**
 * The shop's read-only Dapr view (dashboard/): its ServiceAccount with a Role that reads pods,
 * deployments and Dapr resources of this namespace, a hardened Deployment without a Dapr sidecar, its
 * Service, the NetworkPolicy that lets the ingress controller reach it, and `/dapr` on the ingress host.
 */
export class DaprDashboard extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const name = objectName(ctx, 'dashboard');
    const labels = objectLabels(ctx, 'dashboard', 'dashboard');
    const selector = selectorLabels(ctx, 'dashboard');
    const { image, dashboard, ingress } = ctx.spec;

    kubeObject<V1ServiceAccount>(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(ctx, { name, labels }),
    });
    kubeObject<V1Role>(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(ctx, { name, labels }),
      rules: dashboardRules,
    });
    kubeObject<V1RoleBinding>(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(ctx, { name, labels }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
    });

    webDeployment(this, ctx, {
      name,
      labels,
      selector,
      pod: { serviceAccountName: name },
      container: {
        name: 'dashboard',
        image: dashboard.image ?? `${image.registry}/dashboard:${image.tag ?? ctx.spec.version}`,
        ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        env: [
          { name: 'PORT', value: String(port) },
          // admins log in through the gateway (identity's accounts); see dashboard/src/admin-auth.ts
          { name: 'SHOPSTACK_GATEWAY_URL', value: `http://${objectName(ctx, 'gateway')}` },
        ],
        securityContext: containerSecurity,
      },
    });

    kubeObject<V1Service>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, { name, labels }),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });

    // the shop's default-deny policy covers this pod too: the ingress controller must reach it; it reads
    // the API server and checks logins with the gateway
    kubeObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, { name, labels }),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ protocol: 'TCP', port }] }],
        egress: [
          apiServerEgress(ctx),
          {
            to: [{ podSelector: { matchLabels: selectorLabels(ctx, 'gateway') } }],
            ports: [{ protocol: 'TCP', port: appPort }],
          },
        ],
      } satisfies PolicySpec,
    });

    if (!ingress.enabled) return;
    shopIngress(this, 'Ingress', ctx, name, labels, {
      rules: [
        {
          ...(ingress.host && { host: ingress.host }),
          http: {
            paths: [
              { path: dashboardPath, pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    });
  }
}
