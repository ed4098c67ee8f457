import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { profiles, pubsubName, stateStoreName } from './profiles.ts';
import { serviceNames } from './spec.ts';

/**
 * Timeouts, retries and circuit breakers for every call the sidecars make, so no service hand-writes them.
 * Invocation retries only on gateway-level failures: the callee may already have acted on anything else.
 */
export class DaprResiliency extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const callees = serviceNames.filter((name) => profiles[name].callers.length > 0);
    const stores = serviceNames.filter((name) => profiles[name].storage === 'state');
    const name = objectName(ctx, 'resiliency');
    kubeObject(this, 'Resource', {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: meta(ctx, { name, labels: objectLabels(ctx, 'resiliency', 'dapr') }),
      spec: {
        policies: {
          timeouts: { invoke: '5s', state: '3s' },
          retries: {
            invoke: {
              policy: 'exponential',
              maxInterval: '2s',
              maxRetries: 3,
              matching: { httpStatusCodes: '502,503,504', gRPCStatusCodes: '14' },
            },
            state: { policy: 'constant', duration: '200ms', maxRetries: 3 },
            // keep redelivering: consumers are idempotent, and dead-lettering happens after Dapr gives up
            pubsub: { policy: 'exponential', maxInterval: '60s', maxRetries: 10 },
          },
          circuitBreakers: {
            invoke: { maxRequests: 1, interval: '30s', timeout: '30s', trip: 'consecutiveFailures >= 5' },
          },
        },
        targets: {
          apps: Object.fromEntries(
            callees.map((app) => [app, { timeout: 'invoke', retry: 'invoke', circuitBreaker: 'invoke' }]),
          ),
          components: {
            [pubsubName]: { outbound: { retry: 'pubsub' }, inbound: { retry: 'pubsub' } },
            ...Object.fromEntries(
              stores.map((store) => [stateStoreName(store), { outbound: { timeout: 'state', retry: 'state' } }]),
            ),
          },
        },
      },
      scopes: [...serviceNames],
    });
  }
}
