import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { componentsDir, renderLocalComponents } from './components.ts';
import { manifests, serviceNames } from '../../services/manifests.ts';

describe('components/ generated from the service manifests', () => {
  it('matches the checked-in files (run `npm run components` after changing a manifest)', async () => {
    for (const [path, content] of await renderLocalComponents()) {
      expect(readFileSync(join(componentsDir, path), 'utf8'), `components/${path} drifted`).toBe(content);
    }
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
      'orders<-payments->payments-deadletter',
      'payments<-orders->orders-deadletter',
    ]);
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
