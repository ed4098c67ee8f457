import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { componentsDir, renderLocalComponents } from './components.ts';

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
  });
});
