import { ApiObject, App, Chart } from 'cdk8s';
import type { RandomSource } from './secrets.ts';
import type { MetricsObserver } from './metrics-observer.ts';
import { ShopStack } from './shopstack.ts';
import type { ShopStackSpecInput } from './spec.ts';

/** A rendered Kubernetes object, as JSON. */
export interface KubeManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface RenderOptions {
  readonly name: string;
  readonly namespace: string;
  /** Checked and defaulted by the construct; unknown because it usually comes straight from the API server. */
  readonly spec: unknown;
  /** Set on every object, so garbage collection removes them with their ShopStack. */
  readonly owner?: OwnerReference;
  readonly managedBy?: string;
  readonly random?: RandomSource;
  /** The operator, allowed to read the services' /metrics for its insights (metrics-observer.ts). */
  readonly observer?: MetricsObserver;
  /** KEDA's CRDs are installed in the cluster (keda.ts). */
  readonly keda?: boolean;
}

/** Renders one shop in-process (no files written): the operator's desired state. */
export function renderShopStack(opts: RenderOptions): KubeManifest[] {
  const chart = new Chart(new App(), opts.name, { namespace: opts.namespace });
  new ShopStack(chart, opts.name, {
    spec: opts.spec as ShopStackSpecInput,
    namespace: opts.namespace,
    ...(opts.managedBy && { managedBy: opts.managedBy }),
    ...(opts.random && { random: opts.random }),
    ...(opts.observer && { observer: opts.observer }),
    ...(opts.keda && { keda: true }),
  });
  const { owner } = opts;
  if (owner) {
    for (const child of chart.node.findAll()) {
      if (child instanceof ApiObject) child.metadata.addOwnerReference(owner);
    }
  }
  return chart.toJson() as KubeManifest[];
}
