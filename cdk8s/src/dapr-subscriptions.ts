import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { manifests } from '../../services/manifests.ts';
import { pubsubName } from './profiles.ts';
import { serviceNames } from './spec.ts';

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
          spec: {
            pubsubname: pubsubName,
            topic,
            routes: { default: `/events/${topic}` },
            deadLetterTopic: `${topic}-deadletter`,
          },
          scopes: [service],
        });
      }
    }
  }
}
