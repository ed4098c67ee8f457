// Backups and restore on the kind cluster: a ShopStackBackup of the demo shop, the shop deleted with its
// volumes, a new shop created from the backup, and what users see through the ingress afterwards. Then a
// backup that fails (its database unreachable), the schedule running again after it, and retention.
// Shares the run's one cluster (tests/support/cluster.ts) and leaves the demo shop as it found it.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import {
  adminCredentials,
  applyShop,
  ingressUrl,
  shopManifest,
  shopName,
  shopNamespace,
} from '../../scripts/cluster/up.ts';
import { serviceNames } from '../../services/manifests.ts';
import { type CheckoutClient, checkoutClient, eventually, type Order } from '../support/checkout.ts';
import { appPods, sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

const gateway = { gatewayUrl: ingressUrl };
const minutes = (n: number): number => n * 60_000;
const seconds = (from: number) => Math.round((Date.now() - from) / 100) / 10;

interface BackupObject {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    startTime?: string;
    completionTime?: string;
    size?: string;
    sizeBytes?: number;
    databases?: string[];
    reason?: string;
    message?: string;
    volumeClaim?: string;
  };
}

/** The demo ShopStack of operator/examples/kind.yaml, optionally restored from a backup. */
function demoShop(restoreFrom?: string): Record<string, unknown> {
  const shop = parseAllDocuments(readFileSync(shopManifest, 'utf8'))
    .map((doc) => doc.toJS() as { kind: string; spec: Record<string, unknown> })
    .find((doc) => doc.kind === 'ShopStack');
  if (!shop) throw new Error(`${shopManifest} has no ShopStack`);
  return restoreFrom ? { ...shop, spec: { ...shop.spec, restore: { from: { backup: restoreFrom } } } } : shop;
}

describe('backups and restore of a ShopStack on kind', () => {
  let tools: ClusterTools;
  const created: { namespace: string; kind: string; name: string }[] = [];

  const getJson = async <T>(namespace: string, what: string): Promise<T> =>
    JSON.parse(await kubectl(tools, ['-n', namespace, 'get', what, '-o', 'json'])) as T;
  const backupOf = (namespace: string, name: string) =>
    getJson<BackupObject>(namespace, `shopstackbackup/${name}`).catch(() => undefined);
  const apply = (obj: unknown) => kubectl(tools, ['apply', '-f', '-'], JSON.stringify(obj));
  const finished = (namespace: string, name: string, timeoutMs: number) =>
    eventually(
      `ShopStackBackup ${namespace}/${name} to finish`,
      async () => {
        const backup = await backupOf(namespace, name);
        return backup?.status?.phase === 'Succeeded' || backup?.status?.phase === 'Failed' ? backup : undefined;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    tools = (await sharedCluster((line) => console.error(line))).tools;
    await applyShop(tools, (line) => console.error(line));
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    // the backups' volumes go with them (owner references); the demo shop stays as applyShop leaves it
    for (const { namespace, kind, name } of created.reverse()) {
      await kubectl(tools, ['-n', namespace, 'delete', kind, name, '--ignore-not-found', '--timeout=5m']).catch(
        (err: Error) => console.error(`cleanup of ${kind}/${name}: ${err.message}`),
      );
    }
  }, minutes(10));

  it(
    'restores users, their orders and the stock into a new shop created from a backup',
    async () => {
      // GIVEN users with orders in three end states, and stock set by the admin
      const api: CheckoutClient = checkoutClient(gateway, await adminCredentials(tools));
      const users = await Promise.all(
        ['buyer', 'declined', 'canceller'].map(async (who) => {
          const password = `pw-${who}-${randomUUID()}`;
          const session = await eventually('the API to register a user', () => api.register({ password }), minutes(2));
          return { who, email: session.user.email, password, session };
        }),
      );
      const [first, second] = await api.products(2);
      if (!first || !second) throw new Error('the demo catalog has fewer than 2 products');
      // other tests on this cluster may have ordered these products: on hand covers what they hold
      for (const [product, free] of [
        [first, 40],
        [second, 25],
      ] as const) {
        // onHand - available: what orders hold (reserved and committed; the API shows no committed)
        const current = await api.stock(product.id);
        // a product never stocked answers 404: nothing is held
        const held = Number.isFinite(current.onHand - current.available) ? current.onHand - current.available : 0;
        await api.setStock(product.id, held + free);
      }
      const order = async (user: (typeof users)[number], token: string, productId: string, quantity: number) => {
        const res = await api.placeOrder(user.session.accessToken, {
          items: [{ productId, quantity }],
          payment: { token },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        return api.settled(user.session.accessToken, res.body.id, minutes(1));
      };
      const [buyer, declined, canceller] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
      await order(buyer, 'tok_visa', first.id, 3);
      await order(buyer, 'tok_visa', second.id, 2);
      await order(declined, 'tok_declined', first.id, 1);
      const toCancel = await order(canceller, 'tok_visa', second.id, 4);
      expect(
        (await api.call('POST', `/api/v1/orders/${toCancel.id}/cancel`, { token: canceller.session.accessToken }))
          .status,
      ).toBe(202);
      await eventually('the refund', async () => {
        const res = await api.order(canceller.session.accessToken, toCancel.id);
        return res.body.payment?.status === 'refunded' ? true : undefined;
      });
      const ordersOf = async (token: string): Promise<Pick<Order, 'id' | 'status'>[]> => {
        const res = await api.call('GET', '/api/v1/orders?limit=50', { token });
        expect(res.status).toBe(200);
        return (res.body.items as Order[])
          .map(({ id, status }) => ({ id, status }))
          .sort((a, b) => a.id.localeCompare(b.id));
      };
      const before = {
        orders: await Promise.all(users.map((u) => ordersOf(u.session.accessToken))),
        stock: await Promise.all([first.id, second.id].map((id) => api.stock(id))),
      };
      expect(
        before.orders
          .flat()
          .map((o) => o.status)
          .sort(),
      ).toEqual(['CANCELLED', 'CANCELLED', 'CONFIRMED', 'CONFIRMED']);

      // WHEN a backup is taken
      const backupName = `manual-${randomUUID().slice(0, 8)}`;
      const backupStarted = Date.now();
      await apply({
        apiVersion: 'shopstack.io/v1alpha1',
        kind: 'ShopStackBackup',
        metadata: { name: backupName, namespace: shopNamespace },
        spec: { shopStack: shopName },
      });
      created.push({ namespace: shopNamespace, kind: 'shopstackbackup', name: backupName });
      const backup = await finished(shopNamespace, backupName, minutes(5));
      const backupSeconds = seconds(backupStarted);
      expect(backup.status).toMatchObject({ phase: 'Succeeded', volumeClaim: `backup-${backupName}` });
      // every service database; the Dapr state tables (cart, orders, payments) live in their services' own
      expect([...(backup.status?.databases ?? [])].sort()).toEqual([
        'cart',
        'catalog',
        'identity',
        'inventory',
        'notifications',
        'orders',
        'payments',
      ]);
      expect(backup.status?.sizeBytes).toBeGreaterThan(0);
      console.error(await kubectl(tools, ['-n', shopNamespace, 'get', 'shopstackbackups', '-o', 'wide']));

      // AND the shop is deleted with its volumes (volumeRetention: Delete), then created again from the backup
      const restoreStarted = Date.now();
      await kubectl(tools, ['-n', shopNamespace, 'delete', 'shopstack', shopName, '--timeout=5m']);
      await eventually(
        'the old data volume to be gone',
        async () => {
          const claims = await kubectl(tools, [
            '-n',
            shopNamespace,
            'get',
            'pvc',
            '-l',
            'app.kubernetes.io/name=postgres',
            '-o',
            'name',
          ]);
          return claims.trim() === '' ? true : undefined;
        },
        minutes(3),
      );
      // the backup outlives its shop, with its volume
      expect((await backupOf(shopNamespace, backupName))?.status?.phase).toBe('Succeeded');
      await kubectl(tools, ['-n', shopNamespace, 'get', 'pvc', `backup-${backupName}`]);
      await apply(demoShop(backupName));
      await kubectl(tools, [
        '-n',
        shopNamespace,
        'wait',
        '--for=condition=Ready',
        `shopstack/${shopName}`,
        '--timeout=15m',
      ]);
      const restoreSeconds = seconds(restoreStarted);

      // THEN the status shows the restore, and no service pod was created before it had finished
      const shop = await getJson<{ status: { restore?: { phase: string; completionTime?: string; backup: string } } }>(
        shopNamespace,
        `shopstack/${shopName}`,
      );
      expect(shop.status.restore).toMatchObject({ phase: 'Succeeded', backup: backupName });
      const restoredAt = new Date(shop.status.restore?.completionTime ?? 0).getTime();
      const pods = await appPods<{ metadata: { name: string; creationTimestamp: string } }>(tools);
      expect(pods.length).toBeGreaterThanOrEqual(serviceNames.length);
      for (const pod of pods) {
        expect(new Date(pod.metadata.creationTimestamp).getTime(), pod.metadata.name).toBeGreaterThanOrEqual(
          restoredAt,
        );
      }

      // AND through the ingress: the same users log in with their passwords, their orders keep their statuses,
      // and the stock is as it was
      const after = checkoutClient(gateway, await adminCredentials(tools));
      for (const [i, user] of users.entries()) {
        const session = await eventually(
          `${user.who} to log in`,
          () => after.login(user.email, user.password).catch(() => undefined),
          minutes(3),
        );
        expect(session.user.email).toBe(user.email);
        const orders = await eventually(`${user.who}'s orders`, async () => {
          const res = await after.call('GET', '/api/v1/orders?limit=50', { token: session.accessToken });
          return res.status === 200
            ? (res.body.items as Order[])
                .map(({ id, status }) => ({ id, status }))
                .sort((a, b) => a.id.localeCompare(b.id))
            : undefined;
        });
        expect(orders, user.who).toEqual(before.orders[i]);
      }
      const stock = await Promise.all([first.id, second.id].map((id) => after.stock(id)));
      expect(stock).toEqual(before.stock);
      console.error(
        `backup ${backupName}: ${backup.status?.size} (${backup.status?.sizeBytes} bytes) of ${backup.status?.databases?.length} databases in ${backupSeconds}s ` +
          `(status ${backup.status?.startTime} -> ${backup.status?.completionTime}); delete -> restored shop Ready in ${restoreSeconds}s; ` +
          `checked ${users.length} logins, ${before.orders.flat().length} orders (${before.orders
            .flat()
            .map((o) => o.status)
            .join(', ')}), stock of 2 products`,
      );

      // back to the demo shop as applyShop leaves it (spec.restore is only read at creation)
      await applyShop(tools, (line) => console.error(line));
    },
    minutes(30),
  );

  it(
    'reports a backup of an unreachable database as Failed with the reason, runs the next scheduled one, and prunes',
    async () => {
      // GIVEN a small shop whose Postgres never starts (its volume's storage class does not exist), no
      // service running, and a backup every minute keeping one of each outcome
      const namespace = `backup-fail-${randomUUID().slice(0, 6)}`;
      await kubectl(tools, ['create', 'namespace', namespace]);
      created.unshift({ namespace: '', kind: 'namespace', name: namespace });
      const demo = demoShop() as { spec: Record<string, unknown> };
      const shop = {
        apiVersion: 'shopstack.io/v1alpha1',
        kind: 'ShopStack',
        metadata: { name: 'fail', namespace },
        spec: {
          version: demo.spec.version,
          image: demo.spec.image,
          // small requests: this shop runs beside the demo shop on the one node
          redis: { ...(demo.spec.redis as object), resources: { requests: { cpu: '10m', memory: '32Mi' } } },
          database: {
            mode: 'managed',
            managed: {
              image: 'shopstack.local/postgres:15',
              storage: '1Gi',
              storageClassName: 'no-such-class',
              volumeRetention: 'Delete',
            },
          },
          ingress: { enabled: false },
          services: Object.fromEntries(serviceNames.map((s) => [s, { replicas: 0 }])),
          backup: { schedule: '* * * * *', retention: { count: 1 } },
        },
      };
      // a bad policy is refused by the API server, by field
      const bad = (backup: unknown) => apply({ ...shop, spec: { ...shop.spec, backup } });
      await expect(bad({ schedule: 'every day' })).rejects.toThrow(/spec.backup.schedule/);
      await expect(bad({ retention: { count: -1 } })).rejects.toThrow(/spec.backup.retention.count/);
      await apply(shop);

      // WHEN the first scheduled run comes
      const scheduled = async () =>
        (await getJson<{ items: BackupObject[] }>(namespace, 'shopstackbackups')).items
          .filter((b) => b.metadata.labels?.['shopstack.io/scheduled'] === 'true')
          .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      const firstName = await eventually(
        'the first scheduled backup',
        async () => (await scheduled())[0]?.metadata.name,
        minutes(2),
      );
      const failed = await finished(namespace, firstName, minutes(3));

      // THEN it failed, and says why
      expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'DumpFailed' });
      expect(failed.status?.message).toMatch(/fail-postgres:5432 is unreachable/);
      console.error(await kubectl(tools, ['-n', namespace, 'get', 'shopstackbackups', '-o', 'wide']));

      // AND the next run still happens, and retention (one failed kept) deletes the first with its volume
      const secondName = await eventually(
        'the next scheduled backup',
        async () => (await scheduled()).map((b) => b.metadata.name).find((n) => n > firstName),
        minutes(2),
      );
      expect((await finished(namespace, secondName, minutes(3))).status?.phase).toBe('Failed');
      await eventually(
        'retention to delete the older failed backup and its volume',
        async () => {
          const names = (await scheduled()).map((b) => b.metadata.name);
          const claims = await kubectl(tools, ['-n', namespace, 'get', 'pvc', '-o', 'name']);
          return !names.includes(firstName) && !claims.includes(`backup-${firstName}`) ? true : undefined;
        },
        minutes(2),
      );
      expect((await scheduled()).map((b) => b.metadata.name)).toContain(secondName);

      // AND a backup of a ShopStack that does not exist fails at once, with the reason
      await apply({
        apiVersion: 'shopstack.io/v1alpha1',
        kind: 'ShopStackBackup',
        metadata: { name: 'orphan', namespace },
        spec: { shopStack: 'nope' },
      });
      expect((await finished(namespace, 'orphan', minutes(1))).status).toMatchObject({
        phase: 'Failed',
        reason: 'ShopStackNotFound',
      });
    },
    minutes(12),
  );
});
