import { Construct } from 'constructs';
import { databaseSecret, redisAddress } from './app-config.ts';
import { meta, objectLabels, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { profiles, pubsubName, secretStoreName, stateStoreName } from './profiles.ts';
import { secretNames } from './secrets.ts';
import { type ServiceName, serviceNames } from './spec.ts';

interface MetadataItem {
  readonly name: string;
  readonly value?: string;
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

function redisPassword(ctx: ShopContext): MetadataItem[] {
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') {
    return [{ name: 'redisPassword', secretKeyRef: { name: secretNames.redis(ctx), key: 'password' } }];
  }
  const ref = redis.external?.passwordSecretRef;
  return ref ? [{ name: 'redisPassword', secretKeyRef: ref }] : [];
}

function stateStoreMetadata(ctx: ShopContext, service: ServiceName): MetadataItem[] {
  const items: MetadataItem[] = [
    { name: 'connectionString', secretKeyRef: { name: databaseSecret(ctx), key: `${service}-url` } },
  ];
  const topic = profiles[service].outboxTopic;
  if (topic) {
    items.push({ name: 'outboxPublishPubsub', value: pubsubName }, { name: 'outboxPublishTopic', value: topic });
  }
  return items;
}

/** Dapr Components: a Postgres state store per state-backed service (with outbox), Redis pub/sub, Kubernetes secrets. */
export class DaprComponents extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const component = (name: string, type: string, version: string, metadata: MetadataItem[], scopes: string[]) =>
      kubeObject(this, name, {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: meta(ctx, { name, labels: objectLabels(ctx, name, 'dapr') }),
        spec: { type, version, metadata },
        scopes,
      });

    for (const service of serviceNames.filter((name) => profiles[name].storage === 'state')) {
      component(stateStoreName(service), 'state.postgresql', 'v2', stateStoreMetadata(ctx, service), [service]);
    }

    // publishers through the outbox and subscribers need the component in their sidecar
    const pubsubUsers = serviceNames.filter((name) => profiles[name].outboxTopic || profiles[name].subscribes.length);
    component(
      pubsubName,
      'pubsub.redis',
      'v1',
      [{ name: 'redisHost', value: redisAddress(ctx) }, ...redisPassword(ctx)],
      pubsubUsers,
    );

    component(secretStoreName, 'secretstores.kubernetes', 'v1', [], [...serviceNames]);
  }
}
