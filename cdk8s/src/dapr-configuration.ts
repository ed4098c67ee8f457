import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { manifests } from '../../services/manifests.ts';
import type { ServiceName } from './spec.ts';

/**
 * Sidecar metrics on, with low-cardinality HTTP labels: by default daprd labels each HTTP metric with
 * its path, so every order id (`/v1.0/invoke/inventory/method/reservations/<id>`) became a new series
 * of 35 latency buckets. In the checkout bench that grew to 100,000 series in orders' sidecar, whose
 * CPU per order went from ~5 ms to 20–190 ms. The local Configurations use the same setting.
 */
export const metricsSpec = { enabled: true, http: { increasedCardinality: false } } as const;

/** Trust domain of the sidecars' SPIFFE ids; Dapr's default, so access policies match out of the box. */
export const trustDomain = 'public';

/**
 * Who may invoke `service`, enforced by its own sidecar: each caller its manifest lists, from
 * `namespace` (the shop's in a cluster, `default` for self-hosted sidecars), limited to its operations
 * when the manifest names some; everyone else is denied.
 */
export function accessControlSpec(service: ServiceName, namespace: string): Record<string, unknown> {
  return {
    defaultAction: 'deny',
    trustDomain,
    policies: manifests[service].callers.map((caller) => ({
      appId: caller.appId,
      defaultAction: caller.operations ? 'deny' : 'allow',
      trustDomain,
      namespace,
      ...(caller.operations && {
        operations: caller.operations.map((op) => ({ name: op.path, httpVerb: [...op.verbs], action: 'allow' })),
      }),
    })),
  };
}

export interface DaprConfigurationProps {
  readonly ctx: ShopContext;
  readonly service: ServiceName;
}

/**
 * The Dapr Configuration of one service. Access control is enforced by the callee's sidecar, so each
 * service gets its own Configuration listing who may call it; everything else (mTLS, tracing) is shared.
 */
export class DaprConfiguration extends Construct {
  /** Name to put in the pod's dapr.io/config annotation. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: DaprConfigurationProps) {
    super(scope, id);
    const { ctx, service } = props;
    const { dapr } = ctx.spec;
    this.name = objectName(ctx, service);
    const otel = dapr.tracing.otlpEndpoint
      ? {
          otel: {
            endpointAddress: dapr.tracing.otlpEndpoint,
            isSecure: !dapr.tracing.otlpInsecure,
            protocol: dapr.tracing.otlpProtocol,
          },
        }
      : {};
    kubeObject(this, 'Resource', {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: meta(ctx, { name: this.name, labels: objectLabels(ctx, service, 'dapr') }),
      spec: {
        mtls: {
          enabled: dapr.mtls,
          controlPlaneTrustDomain: 'cluster.local',
          sentryAddress: `dapr-sentry.${dapr.controlPlaneNamespace}.svc.cluster.local:443`,
        },
        tracing: { samplingRate: dapr.tracing.samplingRate, ...otel },
        metrics: metricsSpec,
        accessControl: accessControlSpec(service, ctx.namespace),
      },
    });
  }
}
