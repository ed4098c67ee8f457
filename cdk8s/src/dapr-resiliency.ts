import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { pubsubName } from './profiles.ts';
import { serviceNames } from './spec.ts';

/**
 * Timeouts and retries for invocation between apps and for pub/sub delivery; callers do not hand-roll
 * them. One spec for the local run (components/resources/resiliency.yaml is generated from it) and the
 * cluster. Circuit breakers are deliberately absent: daprd 1.18 counts every non-2xx answer as a
 * failure, so a client sending five stale If-Match or unknown ids in a row would cut an app off for
 * everyone, and a delivery refused by an open breaker is dead-lettered at once (lost saga steps).
 */
export const resiliencySpec = {
  policies: {
    timeouts: {
      invoke: '5s',
      // an event handler that has not answered by then is retried (handlers are idempotent)
      event: '10s',
    },
    // exponential back-off starts at 500 ms: Dapr 1.18's Resiliency has no initialInterval (its CRD
    // rejects one, and daprd ignored it in a local run)
    retries: {
      // reads and idempotent commands (reservations are keyed by order id); a 4xx is the caller's
      // mistake or a business answer (404, 409, 412): repeating it cannot help
      invoke: {
        policy: 'exponential',
        maxInterval: '1s',
        maxRetries: 3,
        matching: { httpStatusCodes: '408,429,500-599' },
      },
      // at-least-once delivery: a saga step must survive a consumer restart, so retry for ~10 minutes
      // before the message goes to the subscription's dead-letter topic
      delivery: { policy: 'exponential', maxInterval: '5s', maxRetries: 120 },
    },
  },
  targets: {
    apps: {
      // catalog's writes are not idempotent: a timeout is reported, not repeated
      catalog: { timeout: 'invoke' },
      inventory: { timeout: 'invoke', retry: 'invoke' },
      cart: { timeout: 'invoke', retry: 'invoke' },
    },
    components: { [pubsubName]: { inbound: { timeout: 'event', retry: 'delivery' } } },
  },
} as const;

/** The shop's Resiliency, for every sidecar of the shop. */
export class DaprResiliency extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const name = objectName(ctx, 'resiliency');
    kubeObject(this, 'Resource', {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: meta(ctx, { name, labels: objectLabels(ctx, 'resiliency', 'dapr') }),
      spec: resiliencySpec,
      scopes: [...serviceNames],
    });
  }
}
