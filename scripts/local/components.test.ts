import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ShopStack } from '../../cdk8s/src/shopstack.ts';
import { countingRandom } from '../../cdk8s/src/testing/fixtures.ts';
import { componentsDir, renderLocalComponents } from './components.ts';
import { manifests, serviceNames } from '../../services/manifests.ts';

interface ComponentDoc {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: { readonly type: string; readonly version: string; readonly metadata: { readonly name: string }[] };
  readonly scopes: string[];
}

const docsOf = (text: string): unknown[] => parseAllDocuments(text).map((doc) => doc.toJS());

/** Every field where `actual` differs from `expected`, as `path: expected → actual`. */
function fieldDifferences(expected: unknown, actual: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => fieldDifferences(expected[key], actual[key], `${path}/${key}`));
  }
  return expected === actual ? [] : [`${path || '/'}: ${JSON.stringify(expected)} → ${JSON.stringify(actual)}`];
}

/** How a file of components/ differs from what `npm run components` writes: its fields, then its text. */
function drift(generated: string, onDisk: string): string[] {
  const fields = fieldDifferences(docsOf(generated), docsOf(onDisk));
  if (fields.length) return fields;
  return generated === onDisk ? [] : ['the same fields, but other comments or layout'];
}

/** Every file under components/, relative to it. */
function filesOnDisk(): string[] {
  return readdirSync(componentsDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(componentsDir.length + 1))
    .sort();
}

describe('components/ generated from the service manifests', () => {
  it('holds exactly the generated files (run `npm run components` after changing a manifest)', async () => {
    const files = await renderLocalComponents();
    expect(filesOnDisk()).toEqual([...files.keys()].sort());
  });

  it('matches what `npm run components` writes, field by field and line by line', async () => {
    for (const [path, content] of await renderLocalComponents()) {
      const onDisk = readFileSync(join(componentsDir, path), 'utf8');
      expect(drift(content, onDisk), `components/${path} was edited by hand or not regenerated`).toEqual([]);
    }
  });

  it('says in its first line that each file is generated, and from what', () => {
    for (const path of filesOnDisk()) {
      const [first] = readFileSync(join(componentsDir, path), 'utf8').split('\n');
      expect(first, path).toMatch(/^# Generated from \S+ by `npm run components`; do not edit\.$/);
    }
  });

  it.each([
    ['the cron interval', 'resources/order-expiry.yaml', "'@every 1s'", "'@every 2s'"],
    ['a scope', 'resources/outbox.yaml', '  - payments\n', '  - cart\n'],
    ['an outbox topic', 'resources/orderstore.yaml', 'value: orders\n', 'value: payments\n'],
    ['a pub/sub setting', 'resources/pubsub.yaml', "value: '64'", "value: '10'"],
    ['a table', 'resources/statestore.yaml', 'value: cart_state\n', 'value: state\n'],
    [
      'an access policy',
      'config/cart.yaml',
      'defaultAction: deny\n        trustDomain',
      'defaultAction: allow\n        trustDomain',
    ],
    ['a comment', 'resources/pubsub.yaml', '# The event bus', '# An event bus'],
  ])('notices a hand edit of %s', async (_what, path, from, to) => {
    const generated = (await renderLocalComponents()).get(path) ?? '';
    expect(generated).toContain(from);
    expect(drift(generated, generated.replace(from, to))).not.toEqual([]);
  });

  it('loads the same components as a cluster, apart from how they reach Postgres, Redis and secrets', async () => {
    // GIVEN the Components of a cluster and of the local run, without the secret stores and connections
    const chart = Testing.chart();
    new ShopStack(chart, 'demo', { spec: { version: '1.2.3' }, namespace: 'shop', random: countingRandom() });
    const connection = new Set(['connectionString', 'tableName', 'metadataTableName', 'redisHost', 'redisPassword']);
    const comparable = (docs: unknown[]) =>
      (docs as ComponentDoc[])
        .filter((doc) => doc.kind === 'Component' && !doc.spec.type.startsWith('secretstores.'))
        .map(({ metadata, spec, scopes }) => ({
          name: metadata.name,
          type: spec.type,
          version: spec.version,
          settings: spec.metadata.filter((item) => !connection.has(item.name)),
          scopes,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));

    // WHEN
    const local = [...(await renderLocalComponents()).values()].flatMap(docsOf);
    const cluster = Testing.synth(chart);

    // THEN
    expect(comparable(local)).toEqual(comparable(cluster));
  });

  it('admits exactly the callers a manifest lists', async () => {
    const files = await renderLocalComponents();
    const catalog = parse(files.get(join('config', 'catalog.yaml')) ?? '');
    const callers = catalog.spec.accessControl.policies.map((p: { appId: string }) => p.appId);
    expect(callers.sort()).toEqual(['cart', 'gateway', 'inventory', 'orders']);
    expect(catalog.spec.accessControl.defaultAction).toBe('deny');
    const cart = parse(files.get(join('config', 'cart.yaml')) ?? '');
    const orders = cart.spec.accessControl.policies.find((p: { appId: string }) => p.appId === 'orders');
    expect(orders).toMatchObject({ defaultAction: 'deny', operations: [{ name: '/cart', action: 'allow' }] });
  });

  it('subscribes each consumer to its topics with a dead-letter topic', async () => {
    const files = await renderLocalComponents();
    const docs = parseAllDocuments(files.get(join('resources', 'subscriptions.yaml')) ?? '').map((d) => d.toJS());
    const pairs = docs.map((d) => `${d.scopes[0]}<-${d.spec.topic}->${d.spec.deadLetterTopic}`).sort();
    expect(pairs).toEqual([
      'notifications<-orders->orders-deadletter',
      'notifications<-orders-deadletter->undefined',
      'orders<-payments->payments-deadletter',
      'orders<-payments-deadletter->undefined',
      'payments<-orders->orders-deadletter',
    ]);
    // each dead-letter topic is read once, by the kit's counter (services/kit/src/dead-letters.ts)
    const readers = docs.filter((d) => !d.spec.deadLetterTopic).map((d) => d.spec.routes.default);
    expect(new Set(readers)).toEqual(new Set(['/deadletters/orders', '/deadletters/payments']));
    // notifications takes its events in batches; the saga's steps one by one
    const batched = docs.filter((d) => d.spec.bulkSubscribe).map((d) => [d.scopes[0], d.spec.bulkSubscribe]);
    expect(batched).toEqual([['notifications', { enabled: true, maxMessagesCount: 64, maxAwaitDurationMs: 50 }]]);
  });

  it('loads each state store only in the sidecars of the services whose manifest names it', () => {
    const stores = readdirSync(join(componentsDir, 'resources'))
      .flatMap((file) => parseAllDocuments(readFileSync(join(componentsDir, 'resources', file), 'utf8')))
      .map((doc) => doc.toJS())
      .filter((doc) => doc?.spec?.type === 'state.postgresql');
    const setting = (doc: { spec: { metadata: { name: string; value?: string }[] } }, name: string) =>
      doc.spec.metadata.find((item) => item.name === name)?.value;
    for (const store of stores) {
      const users = serviceNames.filter((service) => {
        const { storage } = manifests[service];
        return storage?.kind === 'state' && storage.store === store.metadata.name;
      });
      expect(store.scopes, `${store.metadata.name}'s scopes`).toEqual(users);
      const storage = users.map((user) => manifests[user].storage).find((s) => s?.kind === 'state');
      const topic = storage?.kind === 'state' ? storage.outboxTopic : undefined;
      expect(setting(store, 'outboxPublishTopic'), `${store.metadata.name}'s outbox topic`).toBe(topic);
    }
    expect(stores.map((s) => s.metadata.name).sort()).toEqual(
      serviceNames.flatMap((n) => (manifests[n].storage?.kind === 'state' ? [manifests[n].storage.store] : [])).sort(),
    );
    // the local stores share one database, and daprd fails to start when two sidecars create the same
    // metadata table at once (Dapr retries only one of Postgres's two duplicate errors)
    const metadataTables = stores.map((s) => setting(s, 'metadataTableName') ?? 'dapr_metadata');
    expect(new Set(metadataTables).size).toBe(stores.length);
    const tables = stores.map((s) => setting(s, 'tableName') ?? 'state');
    expect(new Set(tables).size).toBe(stores.length);
  });
});
