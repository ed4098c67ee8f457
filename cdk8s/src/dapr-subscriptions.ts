import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { manifests } from '../../services/manifests.ts';
import { pubsubName } from './profiles.ts';
import { type ServiceName, serviceNames } from './spec.ts';

/**
 * The spec of `service`'s subscription to `topic`, in a cluster and in the local run
 * (scripts/local/components.ts): its route, its dead-letter topic, and batches when its manifest asks.
 */
export function subscriptionSpec(service: ServiceName, topic: string): Record<string, unknown> {
  const batches = manifests[service].batches;
  return {
    pubsubname: pubsubName,
    topic,
    routes: { default: `/events/${topic}` },
    deadLetterTopic: `${topic}-deadletter`,
    ...(batches && {
      bulkSubscribe: {
        enabled: true,
        maxMessagesCount: batches.maxMessages,
        maxAwaitDurationMs: batches.maxAwaitMs,
      },
    }),
  };
}

/**
 * The one service that reads `topic`'s dead-letter topic: the first of its consumers. With Redis Streams
 * every app is a consumer group of its own, so a second reader would count each dead letter again.
 */
export function deadLetterReader(topic: string): ServiceName | undefined {
  return serviceNames.filter((name) => manifests[name].subscribes.includes(topic)).sort()[0];
}

/**
 * `service`'s subscription to the dead-letter topic of `topic`: the kit counts and logs what lands there
 * (services/kit/src/dead-letters.ts), so a filling dead-letter topic shows on /metrics. It has no
 * dead-letter topic of its own.
 */
export function deadLetterSubscriptionSpec(topic: string): Record<string, unknown> {
  return { pubsubname: pubsubName, topic: `${topic}-deadletter`, routes: { default: `/deadletters/${topic}` } };
}

/** Declarative subscriptions: each consumer gets `/events/<topic>` and a dead-letter topic for poison events. */
export class DaprSubscriptions extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    for (const service of serviceNames) {
      for (const topic of manifests[service].subscribes) {
        const name = objectName(ctx, `${service}-${topic}`);
        kubeObject(this, name, {
          apiVersion: 'dapr.io/v2alpha1',
          kind: 'Subscription',
          metadata: meta(ctx, { name, labels: objectLabels(ctx, service, 'dapr') }),
          spec: subscriptionSpec(service, topic),
          scopes: [service],
        });
        if (deadLetterReader(topic) !== service) continue;
        const deadLetters = objectName(ctx, `${service}-${topic}-deadletter`);
        kubeObject(this, deadLetters, {
          apiVersion: 'dapr.io/v2alpha1',
          kind: 'Subscription',
          metadata: meta(ctx, { name: deadLetters, labels: objectLabels(ctx, service, 'dapr') }),
          spec: deadLetterSubscriptionSpec(topic),
          scopes: [service],
        });
      }
    }
  }
}
