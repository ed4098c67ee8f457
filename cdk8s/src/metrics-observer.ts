import { Construct } from 'constructs';
import { labelKeys, meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { appPort } from './profiles.ts';

/** Who reads the services' /metrics from outside the shop's namespace: the operator, for its insights. */
export interface MetricsObserver {
  readonly namespace: string;
  /** Labels of its pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The services whose metrics show a shop's symptoms: orders (orders stuck in PENDING) and the event
 * consumers (dead-lettered events). Their app port answers nothing but /healthz, /readyz and /metrics
 * without the token their sidecar holds, so this opens only those to the observer.
 */
export const observedServices = ['orders', 'payments', 'notifications'] as const;

/** Lets the observer's pods, in their namespace only, reach the observed services' app port. */
export class MetricsObserverAccess extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext; readonly observer: MetricsObserver }) {
    super(scope, id);
    const { ctx, observer } = props;
    const name = objectName(ctx, 'metrics-observer');
    kubeObject(this, 'policy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, { name, labels: objectLabels(ctx, 'metrics-observer', 'network') }),
      spec: {
        podSelector: {
          matchLabels: { [labelKeys.instance]: ctx.name },
          matchExpressions: [{ key: labelKeys.name, operator: 'In', values: [...observedServices] }],
        },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': observer.namespace } },
                podSelector: { matchLabels: { ...observer.podLabels } },
              },
            ],
            ports: [{ protocol: 'TCP', port: appPort }],
          },
        ],
      },
    });
  }
}
