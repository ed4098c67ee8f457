// The page's JSON: everything the Dapr view shows, built only from fields chosen here, so nothing
// reaches the browser by accident (a raw Component or Pod would carry secrets and tokens).

export type Health = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthItem {
  readonly name: string;
  readonly health: Health;
  readonly detail: string;
}

export interface AppView {
  readonly appId: string;
  readonly health: Health;
  /** Replicas asked for (1 in a local run). */
  readonly desired: number;
  /** Replicas whose app and daprd containers are both ready (local: the sidecar answers). */
  readonly ready: number;
  readonly runtimeVersion?: string;
  /** How the sidecar reaches its app, e.g. `http 127.0.0.1:3101`. */
  readonly appConnection?: string;
  /** Components the sidecar loaded (local run only: Kubernetes keeps the sidecar API on the pod's loopback). */
  readonly loadedComponents?: readonly string[];
  readonly detail: string;
}

/** One metadata entry of a Component; `value` is never a secret. */
export interface MetadataEntry {
  readonly name: string;
  /** `value`: shown as is; `secretRef`: a reference to a secret store; `masked`: a secret-looking plain value. */
  readonly kind: 'value' | 'secretRef' | 'envRef' | 'masked';
  readonly value: string;
}

export interface ComponentView {
  readonly name: string;
  readonly type: string;
  readonly version: string;
  /** App ids allowed to load it; empty = every app. */
  readonly scopes: readonly string[];
  readonly secretStore?: string;
  readonly metadata: readonly MetadataEntry[];
  /** App ids whose sidecar reports it loaded (local run only). */
  readonly loadedBy?: readonly string[];
}

export interface AccessPolicyView {
  readonly appId: string;
  readonly defaultAction: string;
  readonly namespace: string;
  readonly trustDomain: string;
  /** Operation rules, e.g. `POST /reservations/** allow`. */
  readonly operations: readonly string[];
}

export interface ConfigurationView {
  readonly name: string;
  readonly mtls: boolean;
  readonly tracingSamplingRate: string;
  readonly tracingEndpoint?: string;
  /** `allow` when the Configuration has no access control. */
  readonly accessDefaultAction: string;
  readonly policies: readonly AccessPolicyView[];
}

export interface SubscriptionView {
  readonly name: string;
  readonly appIds: readonly string[];
  readonly pubsub: string;
  readonly topic: string;
  readonly routes: readonly string[];
  readonly deadLetterTopic?: string;
  /** App ids whose sidecar reports this subscription (local run only). */
  readonly activeIn?: readonly string[];
}

export interface ResiliencyView {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly policies: readonly string[];
  readonly targets: readonly string[];
}

export interface CertificateView {
  readonly name: string;
  readonly subject: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly health: Health;
  /** Why the certificate could not be read. */
  readonly detail?: string;
}

/** The ShopStack's conditions and latest Events, as the operator states them (Kubernetes only). */
export interface ShopView {
  readonly name: string;
  readonly conditions: readonly {
    readonly type: string;
    readonly status: string;
    readonly reason: string;
    readonly message: string;
    readonly since: string;
  }[];
  /** Newest first, at most 10. */
  readonly events: readonly {
    readonly type: string;
    readonly reason: string;
    readonly note: string;
    readonly time: string;
  }[];
}

export interface DaprView {
  readonly source: 'local' | 'kubernetes';
  readonly namespace: string;
  readonly generatedAt: string;
  /** What this source cannot see, said on the page. */
  readonly notes: readonly string[];
  readonly controlPlane: readonly HealthItem[];
  readonly certificates: readonly CertificateView[];
  readonly apps: readonly AppView[];
  readonly components: readonly ComponentView[];
  readonly configurations: readonly ConfigurationView[];
  readonly subscriptions: readonly SubscriptionView[];
  readonly resiliencies: readonly ResiliencyView[];
  /** The shop's health as the operator reports it; absent in a local run. */
  readonly shops?: readonly ShopView[];
}

/** Where a view comes from: the local runner's sidecars, or the Kubernetes API. */
export interface DaprViewSource {
  read(): Promise<DaprView>;
}
