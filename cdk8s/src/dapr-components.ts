import { Construct } from 'constructs';
import { databaseSecret, redisAddress } from './app-config.ts';
import { meta, objectLabels, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { manifests } from '../../services/manifests.ts';
import { outboxPubsubName, pubsubName, secretStoreName } from './profiles.ts';
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
  const { storage } = manifests[service];
  if (storage?.kind === 'state' && storage.outboxTopic) {
    items.push(
      { name: 'outboxPublishPubsub', value: pubsubName },
      { name: 'outboxPublishTopic', value: storage.outboxTopic },
      { name: 'outboxPubsub', value: outboxPubsubName },
      // a transaction that failed (ETag conflict) has already published its internal message; drop it
      { name: 'outboxDiscardWhenMissingState', value: 'true' },
    );
  }
  return items;
}

/** Redis pub/sub settings shared by the event bus and the outbox's internal topic. */
function redisPubsub(ctx: ShopContext): MetadataItem[] {
  return [
    { name: 'redisHost', value: redisAddress(ctx) },
    ...redisPassword(ctx),
    // a message a crashed consumer had taken is handed out again after this (handlers time out at 10s)
    { name: 'processingTimeout', value: '15s' },
    // milliseconds (a duration string is ignored for this key)
    { name: 'redeliverInterval', value: '2000' },
  ];
}

/**
 * Dapr Components: a Postgres state store per state-backed service (with outbox), Redis pub/sub for
 * events and for the outbox's internal messages, Kubernetes secrets, and the services' cron schedules.
 */
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

    const outboxUsers: string[] = [];
    for (const service of serviceNames) {
      const { storage } = manifests[service];
      if (storage?.kind !== 'state') continue;
      // v1, as in the local run: v2 has no query API, which the orders expiry sweep uses
      component(storage.store, 'state.postgresql', 'v1', stateStoreMetadata(ctx, service), [service]);
      if (storage.outboxTopic) outboxUsers.push(service);
    }

    // publishers through the outbox and subscribers need the component in their sidecar
    const pubsubUsers = serviceNames.filter((name) => outboxUsers.includes(name) || manifests[name].subscribes.length);
    // a saga step makes a few sidecar calls, slow at full load: the Redis default of 10 handlers in
    // flight per subscription left payments and orders a queue of seconds (created → confirmed p50 at
    // max load 0.7–1.7 s with 10, 0.34–0.49 s with 64)
    component(
      pubsubName,
      'pubsub.redis',
      'v1',
      [...redisPubsub(ctx), { name: 'concurrency', value: '64' }],
      pubsubUsers,
    );
    // daprd holds each internal outbox message before it forwards it (1 s in Dapr, 100 ms in our build:
    // scripts/runtimes/daprd/outbox-scan-delay.sed), so the handler concurrency caps the outbox at
    // `concurrency` messages per hold
    const outboxMetadata = [...redisPubsub(ctx), { name: 'concurrency', value: '500' }];
    if (outboxUsers.length) component(outboxPubsubName, 'pubsub.redis', 'v1', outboxMetadata, outboxUsers);

    for (const service of serviceNames) {
      for (const schedule of manifests[service].schedules ?? []) {
        const metadata = [
          { name: 'schedule', value: `@every ${schedule.every}` },
          { name: 'direction', value: 'input' },
        ];
        component(schedule.name, 'bindings.cron', 'v1', metadata, [service]);
      }
    }

    component(secretStoreName, 'secretstores.kubernetes', 'v1', [], [...serviceNames]);
  }
}
