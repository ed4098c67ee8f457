import { certificateView } from './certs.ts';
import type { KubeReader } from './kube-client.ts';
import type { AppView, CertificateView, DaprView, DaprViewSource, Health, HealthItem, ShopView } from './model.ts';
import { type DaprResource, resourceViews } from './resources.ts';

// the fields of Pods and Deployments the view reads; nothing else of them leaves this file
interface Container {
  readonly name: string;
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
}
interface ContainerStatus {
  readonly name: string;
  readonly ready: boolean;
  readonly state?: { readonly waiting?: { readonly reason?: string } };
}
interface Pod {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly spec?: { readonly containers?: readonly Container[] };
  readonly status?: { readonly phase?: string; readonly containerStatuses?: readonly ContainerStatus[] };
}
interface Deployment {
  readonly metadata: { readonly name: string };
  readonly spec?: {
    readonly replicas?: number;
    readonly template?: { readonly metadata?: { readonly annotations?: Record<string, string> } };
  };
}

export interface KubeSourceOptions {
  readonly reader: KubeReader;
  /** The shop's namespace. */
  readonly namespace: string;
}

const sidecarName = 'daprd';

export const kubeNotes = [
  "Kubernetes: read from the Kubernetes API only. daprd's HTTP API listens on each pod's loopback, so per-sidecar metadata (loaded components, active subscriptions) is not shown; sidecar health is the daprd container's readiness.",
  "Certificates: the root CA comes from the trust anchors the injector gives every sidecar; Sentry's issuer certificate lives in the dapr-trust-bundle Secret, which this view may not read.",
];

/** The Dapr view of one namespace, from the Kubernetes API with the pod's read-only service account. */
export class KubeSource implements DaprViewSource {
  readonly #opts: KubeSourceOptions;

  constructor(opts: KubeSourceOptions) {
    this.#opts = opts;
  }

  async read(): Promise<DaprView> {
    const ns = this.#opts.namespace;
    const list = (path: string): Promise<readonly unknown[]> => this.#opts.reader.list(path);
    const [pods, deployments, shops, events, ...dapr] = await Promise.all([
      list(`/api/v1/namespaces/${ns}/pods`),
      list(`/apis/apps/v1/namespaces/${ns}/deployments`),
      list(`/apis/shopstack.io/v1alpha1/namespaces/${ns}/shopstacks`),
      list(`/apis/events.k8s.io/v1/namespaces/${ns}/events`),
      list(`/apis/dapr.io/v1alpha1/namespaces/${ns}/components`),
      list(`/apis/dapr.io/v1alpha1/namespaces/${ns}/configurations`),
      list(`/apis/dapr.io/v2alpha1/namespaces/${ns}/subscriptions`),
      list(`/apis/dapr.io/v1alpha1/namespaces/${ns}/resiliencies`),
    ]);
    const kinds = ['Component', 'Configuration', 'Subscription', 'Resiliency'];
    // list items carry no kind; the list they came from says it
    const resources = dapr.flatMap((items, i) => items.map((item) => ({ ...(item as DaprResource), kind: kinds[i] })));
    const daprPods = (pods as Pod[]).filter((p) => p.spec?.containers?.some((c) => c.name === sidecarName));
    const apps = appViews(deployments as Deployment[], daprPods);
    return {
      source: 'kubernetes',
      namespace: ns,
      generatedAt: new Date().toISOString(),
      notes: kubeNotes,
      controlPlane: [controlPlaneHealth(apps)],
      certificates: trustAnchors(daprPods),
      apps,
      ...resourceViews(resources),
      shops: shopViews(shops as ShopStack[], events as ShopEvent[]),
    };
  }
}

// the fields of ShopStacks and Events the view reads
interface ShopStack {
  readonly metadata: { readonly name: string };
  readonly status?: {
    readonly conditions?: readonly {
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }[];
  };
}
interface ShopEvent {
  readonly regarding?: { readonly kind?: string; readonly name?: string };
  readonly type?: string;
  readonly reason?: string;
  readonly note?: string;
  readonly eventTime?: string;
  readonly deprecatedLastTimestamp?: string;
  readonly metadata?: { readonly creationTimestamp?: string };
}

const shownEvents = 10;

/** Each ShopStack's conditions and its newest Events (the operator's insights: docs/operations.md). */
function shopViews(shops: readonly ShopStack[], events: readonly ShopEvent[]): ShopView[] {
  const timeOf = (e: ShopEvent) => e.eventTime ?? e.deprecatedLastTimestamp ?? e.metadata?.creationTimestamp ?? '';
  return shops.map((shop) => ({
    name: shop.metadata.name,
    conditions: (shop.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason ?? '',
      message: c.message ?? '',
      since: c.lastTransitionTime ?? '',
    })),
    events: events
      .filter((e) => e.regarding?.kind === 'ShopStack' && e.regarding.name === shop.metadata.name)
      .sort((a, b) => timeOf(b).localeCompare(timeOf(a)))
      .slice(0, shownEvents)
      .map((e) => ({ type: e.type ?? '', reason: e.reason ?? '', note: e.note ?? '', time: timeOf(e) })),
  }));
}

const appIdOf = (annotations: Record<string, string> | undefined): string | undefined =>
  annotations?.['dapr.io/enabled'] === 'true' ? annotations['dapr.io/app-id'] : undefined;

function appViews(deployments: readonly Deployment[], pods: readonly Pod[]): AppView[] {
  return deployments
    .flatMap((d) => {
      const appId = appIdOf(d.spec?.template?.metadata?.annotations);
      return appId ? [{ appId, desired: d.spec?.replicas ?? 1 }] : [];
    })
    .map(({ appId, desired }) => {
      const mine = pods.filter((p) => appIdOf(p.metadata.annotations) === appId);
      const statuses = mine.map((p) => p.status?.containerStatuses ?? []);
      const ready = statuses.filter((s) => s.length > 0 && s.every((c) => c.ready)).length;
      const sidecarsReady = statuses.filter((s) => s.some((c) => c.name === sidecarName && c.ready)).length;
      const waiting = statuses
        .flat()
        .flatMap((c) => (c.state?.waiting?.reason ? [`${c.name}: ${c.state.waiting.reason}`] : []));
      return {
        appId,
        health: replicaHealth(ready, desired),
        desired,
        ready,
        detail: `${mine.length} pods, ${sidecarsReady} daprd ready${waiting.length ? `; ${[...new Set(waiting)].join(', ')}` : ''}`,
      };
    })
    .sort((a, b) => a.appId.localeCompare(b.appId));
}

function replicaHealth(ready: number, desired: number): Health {
  if (desired === 0) return 'unknown';
  if (ready >= desired) return 'healthy';
  return ready > 0 ? 'degraded' : 'unhealthy';
}

// the control plane's pods live in Dapr's namespace, outside this view's Role; a ready sidecar holds a
// certificate from Sentry and its Configuration from the operator, which is the health that matters here
function controlPlaneHealth(apps: readonly AppView[]): HealthItem {
  const ready = apps.some((a) => a.ready > 0);
  return {
    name: 'sentry and operator (seen from the sidecars)',
    health: ready ? 'healthy' : 'unknown',
    detail: ready
      ? 'ready sidecars got their certificates from Sentry; control-plane pods are not read'
      : 'no ready sidecar; control-plane pods are not read',
  };
}

function trustAnchors(pods: readonly Pod[]): CertificateView[] {
  const pem = pods
    .flatMap((p) => p.spec?.containers ?? [])
    .filter((c) => c.name === sidecarName)
    .flatMap((c) => c.env ?? [])
    .find((e) => e.name === 'DAPR_TRUST_ANCHORS' && e.value)?.value;
  if (!pem) return [];
  try {
    return [certificateView('root CA (trust anchors)', pem)];
  } catch (err) {
    return [
      {
        name: 'root CA (trust anchors)',
        subject: '',
        notAfter: '',
        daysLeft: 0,
        health: 'unknown',
        detail: (err as Error).message,
      },
    ];
  }
}
