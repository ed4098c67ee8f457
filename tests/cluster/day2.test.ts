// Day-2 operations on the kind cluster, under load through the ingress on 127.0.0.1 (issue 25): a rolling
// restart, an operator upgrade, a shop upgrade between two real image versions, the refusal of a
// downgrade, the loss of the Postgres and the Redis pod, and a bring-up without crash loops. It shares the
// run's cluster and leaves the demo shop as it found it (0.1.0, re-created at the end).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, installOperator, kubectl, operatorNamespace } from '../../scripts/cluster/addons.ts';
import { buildImages, imageNames, shopVersion } from '../../scripts/cluster/images.ts';
import { loadImages } from '../../scripts/cluster/kind.ts';
import {
  adminCredentials,
  applyShop,
  deleteShop,
  ingressUrl,
  shopKind,
  shopName,
  shopNamespace,
} from '../../scripts/cluster/up.ts';
import { serviceNames } from '../../services/manifests.ts';
import { type CheckoutClient, checkoutClient, eventually, type Order } from '../support/checkout.ts';
import { appPods, sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';
import { type Answer, failures, startLoad, summary } from '../support/load.ts';
import type { Session } from '../support/storefront.ts';

const minutes = (n: number): number => n * 60_000;
const log = (line: string): void => console.error(`[day2] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const from = shopVersion();
const to = bump(from);

/** The next patch version: the second tag `npm run images` builds. */
function bump(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface ShopStatus {
  version?: string;
  conditions?: Condition[];
}
interface Listed {
  kind: string;
  metadata: {
    name: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  status?: { containerStatuses?: { name: string; restartCount: number }[] };
}

describe('day-2 operations of a ShopStack on kind, under load through the ingress', () => {
  let tools: ClusterTools;
  let api: CheckoutClient;
  let productId: string;
  const users: Session[] = [];

  const get = async <T>(args: string[]): Promise<T> =>
    JSON.parse(await kubectl(tools, ['-n', shopNamespace, 'get', ...args, '-o', 'json'])) as T;
  const shopStatus = async (): Promise<ShopStatus> =>
    (await get<{ status?: ShopStatus }>([shopKind, shopName])).status ?? {};
  const condition = (status: ShopStatus, type: string) => status.conditions?.find((c) => c.type === type);
  const patchShop = (spec: unknown) =>
    kubectl(tools, [
      '-n',
      shopNamespace,
      'patch',
      shopKind,
      shopName,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec }),
    ]);
  const waitReady = () =>
    kubectl(tools, ['-n', shopNamespace, 'wait', '--for=condition=Ready', `${shopKind}/${shopName}`, '--timeout=10m']);
  /** The service pods that run (not those still draining after a roll). */
  const servicePods = async () => (await appPods<Listed>(tools)).filter((p) => !p.metadata.deletionTimestamp);

  /** Why pods were unready or restarted (probe failures, kills, back-offs): the evidence when a check fails. */
  const podTrouble = async (): Promise<string[]> => {
    const events = await get<{
      items: { reason: string; message: string; count?: number; involvedObject: { name: string } }[];
    }>(['events']);
    return events.items
      .filter((e) => ['Unhealthy', 'BackOff', 'Killing', 'Failed'].includes(e.reason))
      .map((e) => `${e.involvedObject.name} ${e.reason} x${e.count ?? 1}: ${e.message.slice(0, 160)}`);
  };
  const lastStates = async (): Promise<string[]> =>
    (
      await get<{
        items: {
          metadata: { name: string };
          status?: {
            containerStatuses?: {
              name: string;
              restartCount: number;
              lastState?: { terminated?: { reason?: string; exitCode?: number } };
            }[];
          };
        }[];
      }>(['pods'])
    ).items.flatMap((p) =>
      (p.status?.containerStatuses ?? [])
        .filter((c) => c.restartCount > 0)
        .map(
          (c) =>
            `${p.metadata.name}/${c.name} restarts ${c.restartCount}, last ${JSON.stringify(c.lastState?.terminated ?? {})}`,
        ),
    );

  const restartedContainers = async (): Promise<[string, string][]> =>
    (
      await get<{
        items: {
          metadata: { name: string };
          status?: { containerStatuses?: { name: string; restartCount: number }[] };
        }[];
      }>(['pods'])
    ).items.flatMap((p) =>
      (p.status?.containerStatuses ?? [])
        .filter((c) => c.restartCount > 0)
        .map((c): [string, string] => [p.metadata.name, c.name]),
    );

  /** The end of each restarted container's previous log: why it stopped. */
  const previousLogs = async (): Promise<string[]> =>
    Promise.all(
      (await restartedContainers()).map(async ([pod, container]) => {
        const previous = await kubectl(tools, [
          '-n',
          shopNamespace,
          'logs',
          pod,
          '-c',
          container,
          '--previous',
          '--tail=12',
        ]).catch((err: Error) => err.message);
        return `  ${pod}/${container} before its restart:\n${previous}`;
      }),
    );

  /** Every accepted order settles once; confirmed ones kept their payment, cancelled ones none. */
  const checkOrders = async (ids: readonly string[], user: Session): Promise<Order[]> => {
    expect(new Set(ids).size).toBe(ids.length);
    const settled = new Map<string, Order>();
    await eventually(
      `${ids.length} orders to settle`,
      async () => {
        for (const id of ids.filter((i) => !settled.has(i))) {
          const res = await api.order(user.accessToken, id);
          if (res.status === 200 && res.body.status !== 'PENDING') settled.set(id, res.body);
          await sleep(120);
        }
        return settled.size === ids.length ? true : undefined;
      },
      minutes(5),
    );
    const orders = [...settled.values()];
    for (const order of orders) {
      // the public API says `captured` for money kept, `refunded`, `voided` or `declined` otherwise
      if (order.status === 'CONFIRMED') expect(order.payment?.status, order.id).toBe('captured');
      else expect(order.payment?.status, `${order.id} (${order.reason})`).not.toBe('captured');
    }
    return orders;
  };

  /** Stock at rest balances, and committed grew by exactly the confirmed orders. */
  const checkStock = async (committedBefore: number, confirmed: number) => {
    const stock = await eventually('stock to come to rest', async () => {
      const s = await api.stock(productId);
      return s.reserved === 0 ? s : undefined;
    });
    expect(stock.onHand).toBe(stock.available + stock.reserved + stock.committed);
    expect(stock.committed - committedBefore).toBe(confirmed);
    return stock;
  };

  beforeAll(async () => {
    tools = (await sharedCluster(log)).tools;
    await applyShop(tools, log);
    // what a restart at bring-up looked like (the re-creating test below asserts there is none)
    for (const line of await lastStates()) log(`  at bring-up: ${line}`);
    for (const line of await previousLogs()) log(line);
    api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
    // one user per load (the per-user limit is 300/min)
    for (let i = 0; i < 3; i++) users.push(await eventually('a user', () => api.register(), minutes(2)));
    const [product] = await api.products(1);
    if (!product) throw new Error('the demo catalog is empty');
    productId = product.id;
    await api.setStock(productId, 100_000);
    // the second version of the shop's own images: the same sources, another tag and label (seconds)
    const next = await buildImages({
      progress: log,
      version: to,
      groups: ['services', 'operator'],
      refresh: ['services', 'operator'],
    });
    // every image whose tag follows the shop version: one left out never pulls, and the roll never ends
    await loadImages([...Object.values(next.services), next.operator, next.dashboard, next.storefront], {
      progress: log,
    });
  }, sharedClusterHookTimeout);

  it(
    'restarts a 2-replica catalog under searches with no failed search',
    async () => {
      await patchShop({ services: { catalog: { replicas: 2 } } });
      await eventually(
        '2 catalog replicas',
        async () => {
          const d = await get<{ status: { readyReplicas?: number; updatedReplicas?: number; replicas?: number } }>([
            'deployment',
            `${shopName}-catalog`,
          ]);
          return d.status.readyReplicas === 2 && d.status.updatedReplicas === 2 && d.status.replicas === 2
            ? true
            : undefined;
        },
        minutes(5),
      );
      await waitReady();
      const load = startLoad({ api, user: users[0] as Session, productId, mix: ['search'], beatMs: 200 });
      await sleep(3_000);
      await kubectl(tools, ['-n', shopNamespace, 'rollout', 'restart', `deployment/${shopName}-catalog`]);
      await kubectl(tools, [
        '-n',
        shopNamespace,
        'rollout',
        'status',
        `deployment/${shopName}-catalog`,
        '--timeout=5m',
      ]);
      // the old pods drain for their sidecar's block and drain periods after the roll reports done
      await sleep(25_000);
      const answers = await load.stop();
      log(`rolling restart of 2 catalog replicas: ${summary(answers)}`);
      for (const a of failures(answers))
        log(`  failed at ${new Date(a.at).toISOString()}: ${a.kind} ${a.status} ${a.detail ?? ''}`);
      expect(failures(answers)).toEqual([]);
      expect(answers.length).toBeGreaterThan(100);
      await patchShop({ services: { catalog: { replicas: 1 } } });
      await waitReady();
    },
    minutes(12),
  );

  it(
    'upgrades the operator with helm: running shops see 0 pod restarts and 0 writes',
    async () => {
      const snapshot = async () => {
        const objects = await get<{ items: Listed[] }>([
          'deployments,statefulsets,services,configmaps,secrets,ingresses,poddisruptionbudgets,networkpolicies,components.dapr.io,configurations.dapr.io,subscriptions.dapr.io,resiliencies.dapr.io,shopstacks.shopstack.io',
        ]);
        const pods = await get<{ items: Listed[] }>(['pods']);
        return {
          versions: Object.fromEntries(
            objects.items.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]),
          ),
          // the pods that run: one still draining after the test before (35 s) is gone by the next look
          restarts: Object.fromEntries(
            pods.items
              .filter((p) => !p.metadata.deletionTimestamp)
              .map((p) => [
                p.metadata.name,
                (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
              ]),
          ),
        };
      };
      const before = await snapshot();
      await installOperator(tools, to, log);
      // the new operator holds the lease, has listed everything and reconciled the shop
      const newPod = async () => {
        const pods = JSON.parse(
          await kubectl(tools, [
            '-n',
            operatorNamespace,
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/name=shopstack-operator',
            '-o',
            'json',
          ]),
        ) as {
          items: {
            metadata: { name: string; deletionTimestamp?: string };
            spec: { containers: { image: string }[] };
          }[];
        };
        return pods.items.find(
          (p) => !p.metadata.deletionTimestamp && p.spec.containers[0]?.image === imageNames(to).operator,
        );
      };
      const operatorLog = await eventually(
        'the upgraded operator to lead and reconcile',
        async () => {
          const pod = await newPod();
          if (!pod) return undefined;
          const logs = await kubectl(tools, ['-n', operatorNamespace, 'logs', pod.metadata.name]);
          return logs.includes('caches synced; reconciling') ? pod.metadata.name : undefined;
        },
        minutes(3),
      );
      log(`operator pod ${operatorLog} leads and reconciles`);
      await sleep(20_000);
      const after = await snapshot();
      const written = Object.keys(after.versions).filter((k) => after.versions[k] !== before.versions[k]);
      const restarted = Object.keys(after.restarts).filter((k) => after.restarts[k] !== before.restarts[k]);
      log(
        `operator ${from} -> ${to}: ${Object.keys(before.versions).length} objects, ${written.length} written; ` +
          `${Object.keys(before.restarts).length} pods, ${restarted.length} restarted or replaced`,
      );
      expect(written).toEqual([]);
      expect(restarted).toEqual([]);
      expect(Object.keys(after.restarts).sort()).toEqual(Object.keys(before.restarts).sort());
      const image = await kubectl(tools, [
        '-n',
        operatorNamespace,
        'get',
        'deployment/shopstack-operator',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ]);
      expect(image).toBe(imageNames(to).operator);
      // back to the operator the run found (a helm upgrade again)
      await installOperator(tools, from, log);
    },
    minutes(10),
  );

  it(
    `upgrades the shop from ${from} to ${to} under mixed load with no failed request, then refuses a downgrade`,
    async () => {
      const committedBefore = (await api.stock(productId)).committed;
      const seen: string[] = [];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const status = await shopStatus().catch(() => undefined);
          const progressing = status && condition(status, 'Progressing');
          const line = `${status?.version} ${progressing?.reason}: ${progressing?.message}`;
          if (progressing && seen.at(-1) !== line) seen.push(line);
          await sleep(1_000);
        }
      })();
      const load = startLoad({
        api,
        user: users[1] as Session,
        productId,
        // the storefront and the Dapr view roll too: their pages through the ingress
        mix: ['read', 'search', 'cart', 'order', 'storefront', 'view'],
        beatMs: 250,
      });
      await sleep(5_000);
      const began = Date.now();
      await patchShop({ version: to });
      await eventually(
        'every service to run the new version, Ready',
        async () => {
          const status = await shopStatus();
          return status.version === to && condition(status, 'Ready')?.status === 'True' ? true : undefined;
        },
        minutes(6),
      ).catch(async (err: unknown) => {
        // the evidence of a roll that did not finish: how far status got, the load, the Deployments, the pods' trouble
        for (const line of seen) log(`  status: ${line}`);
        const sofar = load.answers();
        log(`load so far: ${summary(sofar)}`);
        for (const a of failures(sofar))
          log(`  failed at +${((a.at - began) / 1000).toFixed(1)} s: ${a.kind} ${a.status} ${a.detail ?? ''}`);
        log(await kubectl(tools, ['-n', shopNamespace, 'get', 'deployments,pods', '-o', 'wide']));
        for (const line of await podTrouble()) log(`  event: ${line}`);
        const operatorLog = await kubectl(tools, [
          '-n',
          operatorNamespace,
          'logs',
          'deployment/shopstack-operator',
          '--tail=30',
        ]);
        log(`operator:\n${operatorLog}`);
        throw err;
      });
      const wall = (Date.now() - began) / 1000;
      // the last old pods drain after the roll reports done
      await sleep(25_000);
      const answers: Answer[] = await load.stop();
      watching = false;
      await watch;
      log(`upgrade ${from} -> ${to} in ${wall.toFixed(0)} s: ${summary(answers)}`);
      for (const a of failures(answers))
        log(`  failed at +${((a.at - began) / 1000).toFixed(1)} s: ${a.kind} ${a.status} ${a.detail ?? ''}`);
      if (failures(answers).length) for (const line of await podTrouble()) log(`  event: ${line}`);
      for (const line of seen) log(`  status: ${line}`);
      expect(failures(answers)).toEqual([]);
      expect(seen.some((l) => l.startsWith(`${from} Upgrading: upgrading from ${from} to ${to}: rolled`))).toBe(true);
      // every service pod runs the new images
      for (const pod of await servicePods()) {
        expect(pod.metadata.labels?.['app.kubernetes.io/version'], pod.metadata.name).toBe(to);
      }
      const ids = answers.flatMap((a) => (a.orderId ? [a.orderId] : []));
      const orders = await checkOrders(ids, users[1] as Session);
      const confirmed = orders.filter((o) => o.status === 'CONFIRMED').length;
      expect(confirmed).toBe(ids.length);
      await checkStock(committedBefore, confirmed);
      log(`upgrade: ${ids.length} orders accepted, ${confirmed} confirmed`);

      // a downgrade is refused in status, and nothing is rolled
      const generations = async () =>
        Object.fromEntries(
          (await get<{ items: Listed[] }>(['deployments'])).items.map((d) => [d.metadata.name, d.metadata.generation]),
        );
      const before = await generations();
      await patchShop({ version: from });
      const refused = await eventually('the downgrade to be refused', async () => {
        const ready = condition(await shopStatus(), 'Ready');
        return ready?.reason === 'DowngradeRefused' ? ready : undefined;
      });
      expect(refused.status).toBe('False');
      expect(refused.message).toContain(`older than the running ${to}`);
      expect(await generations()).toEqual(before);
      expect((await shopStatus()).version).toBe(to);
    },
    minutes(20),
  );

  it(
    `re-creates the shop at ${from}: every service pod starts with no restart (the operator starts services once their data stores are ready)`,
    async () => {
      // back to a shop at the version the run found (a downgrade is refused, so it is re-created). In the
      // foreground: the delete returns once every child is gone, so the new shop adopts no half-deleted
      // child (the old Redis with the old password, while its Secret is generated anew)
      await deleteShop(tools);
      const began = Date.now();
      await applyShop(tools, log);
      log(`shop re-created and Ready in ${((Date.now() - began) / 1000).toFixed(0)} s`);
      const pods = await servicePods();
      expect(pods.map((p) => p.metadata.labels?.['app.kubernetes.io/name']).sort()).toEqual(
        expect.arrayContaining([...serviceNames].sort()),
      );
      const restarts = pods.map((p) => [
        p.metadata.name,
        (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
      ]);
      log(`restarts after bring-up: ${JSON.stringify(restarts)}`);
      for (const line of await lastStates()) log(`  ${line}`);
      if (restarts.some(([, n]) => n !== 0)) {
        for (const line of await podTrouble()) log(`  event: ${line}`);
        for (const line of await previousLogs()) log(line);
      }
      expect(restarts.filter(([, n]) => n !== 0)).toEqual([]);
    },
    minutes(20),
  );

  it(
    'settles 100+ orders exactly once while the Postgres pod and then the Redis pod are deleted',
    async () => {
      api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
      const user = await eventually('a user', () => api.register(), minutes(2));
      const [product] = await api.products(1);
      if (!product) throw new Error('the demo catalog is empty');
      productId = product.id;
      await api.setStock(productId, 100_000);
      const committedBefore = (await api.stock(productId)).committed;

      // each order is retried with its Idempotency-Key until accepted, as a client should
      const accepted: string[] = [];
      const probes: string[] = [];
      let refusedAnswers = 0;
      const place = async (): Promise<void> => {
        const key = randomUUID();
        const body = { items: [{ productId, quantity: 1 }], payment: { token: 'tok_visa' } };
        for (;;) {
          const res = await api.placeOrder(user.accessToken, body, key).catch(() => undefined);
          if (res?.status === 202) return void accepted.push(res.body.id as string);
          refusedAnswers++;
          await sleep(1_000);
        }
      };
      // one order of another user (the per-user limit), retried with its key every 500 ms: when the shop takes orders again
      const prober = await eventually('a second user', () => api.register(), minutes(2));
      const firstAcceptedAfter = async (since: number): Promise<number> => {
        const key = randomUUID();
        const body = { items: [{ productId, quantity: 1 }], payment: { token: 'tok_visa' } };
        for (;;) {
          const res = await api.placeOrder(prober.accessToken, body, key).catch(() => undefined);
          if (res?.status === 202) {
            probes.push(res.body.id as string);
            return (Date.now() - since) / 1000;
          }
          if (Date.now() - since > minutes(5)) throw new Error('no order accepted 5 minutes after the deletion');
          await sleep(500);
        }
      };
      // 120 orders at about 3 a second, 4 at a time
      const queue = Array.from({ length: 120 }, (_, i) => i);
      const workers = Array.from({ length: 4 }, async () => {
        while (queue.shift() !== undefined) {
          await place();
          await sleep(1_000);
        }
      });
      const statuses: string[] = [];
      const watchReady = async (until: () => boolean) => {
        while (!until()) {
          const ready = condition(await shopStatus().catch(() => ({})), 'Ready');
          if (ready && statuses.at(-1) !== `${ready.status}/${ready.reason}`)
            statuses.push(`${ready.status}/${ready.reason}`);
          await sleep(500);
        }
      };
      const recovery: Record<string, { firstOrder: number; ready: number }> = {};
      for (const [what, pod] of [
        ['postgres', `${shopName}-postgres-0`],
        ['redis', `${shopName}-redis-0`],
      ] as const) {
        await sleep(8_000);
        const since = Date.now();
        await kubectl(tools, ['-n', shopNamespace, 'delete', 'pod', pod, '--wait=false']);
        let done = false;
        const watching = watchReady(() => done);
        await sleep(2_000);
        const firstOrder = await firstAcceptedAfter(since);
        await eventually(
          'the ShopStack Ready again',
          async () => (condition(await shopStatus(), 'Ready')?.status === 'True' ? true : undefined),
          minutes(5),
        );
        recovery[what] = { firstOrder, ready: (Date.now() - since) / 1000 };
        done = true;
        await watching;
      }
      await Promise.all(workers);
      log(`recovery (s): ${JSON.stringify(recovery)}; Ready went ${statuses.join(' -> ')}`);
      expect(statuses).toContain('False/DatabaseUnavailable');
      expect(accepted.length).toBeGreaterThanOrEqual(100);
      const orders = [...(await checkOrders(accepted, user)), ...(await checkOrders(probes, prober))];
      const confirmed = orders.filter((o) => o.status === 'CONFIRMED').length;
      const stock = await checkStock(committedBefore, confirmed);
      const cancelled = orders.filter((o) => o.status === 'CANCELLED').map((o) => `${o.id}: ${o.reason}`);
      log(
        `recovery: ${accepted.length + probes.length} orders accepted (${refusedAnswers} answers refused while down), ` +
          `${confirmed} confirmed, cancelled ${JSON.stringify(cancelled)}, stock ${JSON.stringify(stock)}`,
      );
      // every event handed to pub/sub before the Redis pod went was delivered: no order expired unpaid
      expect(confirmed).toBe(accepted.length + probes.length);
    },
    minutes(25),
  );
});
