import { Construct } from 'constructs';
import { databaseSecret, redisAddress } from './app-config.ts';
import { meta, objectLabels, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { manifests } from '../../services/manifests.ts';
import { outboxPubsubName, pubsubName, secretStoreName } from './profiles.ts';
import { secretNames } from './secrets.ts';
import { type ServiceName, serviceNames } from './spec.ts';

export interface MetadataItem {
  readonly name: string;
  readonly value?: string;
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

/** One Dapr Component as both a cluster and the local run (scripts/local/components.ts) load it. */
export interface ComponentSpec {
  readonly name: string;
  readonly type: string;
  readonly version: string;
  readonly metadata: readonly MetadataItem[];
  /** The app ids whose sidecars load it. */
  readonly scopes: readonly string[];
  /** The secret store that resolves its secretKeyRefs, where the platform has no default (self-hosted). */
  readonly auth?: { readonly secretStore: string };
  /** What it is for, in a line (written above the local file). */
  readonly about: string;
}

/** What differs between where the components run: how they reach Postgres, Redis and secrets. */
export interface ComponentTarget {
  /** The items that connect `service`'s state store to its database (connection string, tables). */
  stateStoreConnection(service: ServiceName): MetadataItem[];
  /** The items that connect a Redis pub/sub (address, password). */
  readonly redisConnection: readonly MetadataItem[];
  /** The store the secretKeyRefs above are resolved from. */
  readonly secretStore: Pick<ComponentSpec, 'name' | 'type' | 'metadata' | 'about'>;
  /** Name the secret store in every component that refers to a secret (without it: the platform's default). */
  readonly namesSecretStore: boolean;
}

function outboxMetadata(service: ServiceName): MetadataItem[] {
  const { storage } = manifests[service];
  if (storage?.kind !== 'state' || !storage.outboxTopic) return [];
  return [
    { name: 'outboxPublishPubsub', value: pubsubName },
    { name: 'outboxPublishTopic', value: storage.outboxTopic },
    { name: 'outboxPubsub', value: outboxPubsubName },
    // a transaction that failed (ETag conflict) has already published its internal message; drop it
    { name: 'outboxDiscardWhenMissingState', value: 'true' },
  ];
}

/** Redis pub/sub settings shared by the event bus and the outbox's internal topic. */
function redisPubsub(target: ComponentTarget, concurrency: number): MetadataItem[] {
  return [
    ...target.redisConnection,
    // a message a crashed consumer had taken is handed out again after this (handlers time out at 10s)
    { name: 'processingTimeout', value: '15s' },
    // milliseconds (a duration string is ignored for this key)
    { name: 'redeliverInterval', value: '2000' },
    { name: 'concurrency', value: String(concurrency) },
  ];
}

/**
 * The shop's Dapr Components, derived from the service manifests: a Postgres state store per
 * state-backed service (with its outbox), Redis pub/sub for events and for the outbox's internal
 * messages, the secret store, and the services' cron schedules. `target` says how they reach their data.
 */
export function componentSpecs(target: ComponentTarget): ComponentSpec[] {
  const specs: ComponentSpec[] = [];
  const add = (spec: Omit<ComponentSpec, 'auth'>): void => {
    const refersToSecret = spec.metadata.some((item) => item.secretKeyRef);
    const auth = target.namesSecretStore && refersToSecret ? { auth: { secretStore: target.secretStore.name } } : {};
    specs.push({ ...spec, ...auth });
  };

  const stateUsers = serviceNames.filter((name) => manifests[name].storage?.kind === 'state');
  const outboxUsers = stateUsers.filter((name) => outboxMetadata(name).length);
  for (const service of stateUsers) {
    const { storage } = manifests[service];
    if (storage?.kind !== 'state') continue;
    add({
      name: storage.store,
      // v1: v2 has no query API, which the orders expiry sweep uses
      type: 'state.postgresql',
      version: 'v1',
      metadata: [...target.stateStoreConnection(service), ...outboxMetadata(service)],
      scopes: [service],
      about: `State store of ${service}${storage.outboxTopic ? `; its transactions publish to \`${storage.outboxTopic}\` through the outbox` : ''}.`,
    });
  }

  // publishers through the outbox and subscribers need the component in their sidecar
  const pubsubUsers = serviceNames.filter((name) => outboxUsers.includes(name) || manifests[name].subscribes.length);
  add({
    name: pubsubName,
    type: 'pubsub.redis',
    version: 'v1',
    // a saga step makes a few sidecar calls, slow at full load: the Redis default of 10 handlers in
    // flight per subscription left payments and orders a queue of seconds (created → confirmed p50 at
    // max load 0.7–1.7 s with 10, 0.34–0.49 s with 64)
    metadata: redisPubsub(target, 64),
    scopes: pubsubUsers,
    about: 'The event bus (Redis Streams, CloudEvents); delivery is at least once, consumers are idempotent.',
  });
  if (outboxUsers.length) {
    add({
      name: outboxPubsubName,
      type: 'pubsub.redis',
      version: 'v1',
      // daprd holds each internal outbox message before it forwards it (1 s in Dapr, 100 ms in our build:
      // scripts/runtimes/daprd/outbox-scan-delay.sed), so the handler concurrency caps the outbox at
      // `concurrency` messages per hold
      metadata: redisPubsub(target, 500),
      scopes: outboxUsers,
      about: "Carries the state stores' internal outbox messages.",
    });
  }

  for (const service of serviceNames) {
    for (const schedule of manifests[service].schedules ?? []) {
      add({
        name: schedule.name,
        type: 'bindings.cron',
        version: 'v1',
        metadata: [
          { name: 'schedule', value: `@every ${schedule.every}` },
          { name: 'direction', value: 'input' },
        ],
        scopes: [service],
        about: `Cron schedule of ${service}: its sidecar POSTs /${schedule.name} every ${schedule.every}.`,
      });
    }
  }

  add({ ...target.secretStore, version: 'v1', scopes: [...serviceNames] });
  return specs;
}

function clusterRedisConnection(ctx: ShopContext): MetadataItem[] {
  const address = { name: 'redisHost', value: redisAddress(ctx) };
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') {
    return [address, { name: 'redisPassword', secretKeyRef: { name: secretNames.redis(ctx), key: 'password' } }];
  }
  const ref = redis.external?.passwordSecretRef;
  return ref ? [address, { name: 'redisPassword', secretKeyRef: ref }] : [address];
}

/** Where the components of one shop run: its database Secret, its Redis, Kubernetes Secrets. */
export function clusterTarget(ctx: ShopContext): ComponentTarget {
  return {
    stateStoreConnection: (service) => [
      { name: 'connectionString', secretKeyRef: { name: databaseSecret(ctx), key: `${service}-url` } },
    ],
    redisConnection: clusterRedisConnection(ctx),
    secretStore: {
      name: secretStoreName,
      type: 'secretstores.kubernetes',
      metadata: [],
      about: "The namespace's Secrets, for the other components' secretKeyRefs.",
    },
    namesSecretStore: false,
  };
}

/** The Dapr Components of one shop (see componentSpecs). */
export class DaprComponents extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    for (const { name, type, version, metadata, scopes, auth } of componentSpecs(clusterTarget(ctx))) {
      kubeObject(this, name, {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: meta(ctx, { name, labels: objectLabels(ctx, name, 'dapr') }),
        spec: { type, version, metadata },
        scopes,
        ...(auth && { auth }),
      });
    }
  }
}
