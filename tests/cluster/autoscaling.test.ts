// Autoscaling on kind (issue 27): catalog scales out on CPU under a read load through the ingress and back in
// once it stops (a HorizontalPodAutoscaler on metrics-server), and notifications scales out on a backlog of
// order events (KEDA's Redis Streams scaler) and back in once it drained, every event handled once. It shares
// the run's cluster and the demo shop, whose spec it changes for the test and then restores: autoscaling
// with short scale-down windows, and gateway rate limits above the test's load (the product's defaults stay
// 600 and 300 a minute). The node's CPU requests leave room for the extra replicas (logged).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { markerLabel } from '../../scripts/cluster/kind.ts';
import {
  adminCredentials,
  applyShop,
  ingressUrl,
  shopKind,
  shopName,
  shopNamespace,
} from '../../scripts/cluster/up.ts';
import { type CheckoutClient, checkoutClient, eventually, readEvents } from '../support/checkout.ts';
import { manifests } from '../../services/manifests.ts';
import { sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';
import { type Answer, failures, startLoad, summary } from '../support/load.ts';
import type { Session } from '../support/storefront.ts';

const minutes = (n: number): number => n * 60_000;
const log = (line: string): void => console.error(`[autoscaling] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;
/** Orders of the backlog: each makes two events (order.created, then order.confirmed). */
const backlogOrders = 260;

interface Deployment {
  spec: { replicas?: number };
  status: { replicas?: number; readyReplicas?: number };
}
interface Pod {
  metadata: { deletionTimestamp?: string };
  spec: { containers: { name: string }[] };
  status: { containerStatuses?: { name: string; ready: boolean }[] };
}

/**
 * Polls `probe` every 2 s until it returns a value; a string is what it saw instead, named in the error
 * when `timeoutMs` runs out.
 */
async function until<T extends object | number | boolean>(
  what: string,
  probe: () => Promise<T | string>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  while (Date.now() < deadline) {
    try {
      const result = await probe();
      if (typeof result !== 'string') return result;
      seen = result;
    } catch (err) {
      seen = (err as Error).message;
    }
    await sleep(2_000);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${seen}`);
}

/** What the test changes in the demo shop, and so restores. */
interface Changed {
  gateway?: unknown;
  services?: unknown;
}

describe('autoscaling of a ShopStack on kind: catalog on CPU, notifications on its backlog', () => {
  let tools: ClusterTools;
  let api: CheckoutClient;
  let user: Session;
  let productId: string;
  let before: Changed = {};

  const get = async <T>(args: string[]): Promise<T> =>
    JSON.parse(await kubectl(tools, ['-n', shopNamespace, 'get', ...args, '-o', 'json'])) as T;
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

  /** The Deployment's replicas as its autoscaler set them, and how many of its pods are ready with daprd. */
  const replicasOf = async (service: string): Promise<{ wanted: number; ready: number }> => {
    const d = await get<Deployment>(['deployment', `${shopName}-${service}`]);
    const pods = await get<{ items: Pod[] }>(['pods', '-l', `app.kubernetes.io/name=${service}`]);
    const ready = pods.items.filter(
      (p) =>
        !p.metadata.deletionTimestamp &&
        p.spec.containers.some((c) => c.name === 'daprd') &&
        (p.status.containerStatuses ?? []).length === p.spec.containers.length &&
        (p.status.containerStatuses ?? []).every((c) => c.ready),
    ).length;
    return { wanted: d.spec.replicas ?? 1, ready };
  };

  /** Places one order of the test's product and waits for it to be CONFIRMED: its two events are out. */
  const placeSettled = async (): Promise<string> => {
    const res = await api.placeOrder(user.accessToken, {
      items: [{ productId, quantity: 1 }],
      payment: { token: 'tok_visa' },
    });
    if (res.status !== 202) throw new Error(`an order answered ${res.status}: ${JSON.stringify(res.body)}`);
    const id = res.body.id as string;
    expect((await api.settled(user.accessToken, id, minutes(2))).status).toBe('CONFIRMED');
    return id;
  };

  /** notifications' consumer group lag in its topic, as Redis reports it (XINFO GROUPS); null when unknown. */
  const groupLag = async (): Promise<number | null> => {
    const [topic] = manifests.notifications.subscribes;
    const out = await kubectl(tools, [
      '-n',
      shopNamespace,
      'exec',
      `${shopName}-redis-0`,
      '--',
      'sh',
      '-c',
      `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --no-auth-warning xinfo groups ${topic}`,
    ]);
    // one line per field, then its value; each group starts with `name`; an unknown lag is an empty line
    const groups: Map<string, string>[] = [];
    const lines = out.split('\n');
    for (let at = 0; at + 1 < lines.length; at += 2) {
      if (lines[at] === 'name') groups.push(new Map());
      groups.at(-1)?.set(lines[at] as string, lines[at + 1] as string);
    }
    const group = groups.find((g) => g.get('name') === 'notifications');
    if (!group) throw new Error(`no consumer group notifications in ${topic}: ${out}`);
    const lag = group.get('lag');
    return lag ? Number(lag) : null;
  };

  /** KEDA's own pause of notifications at `replicas` (it holds them there while a backlog builds), or its end. */
  const pauseNotifications = (replicas: number | 'end') =>
    kubectl(tools, [
      '-n',
      shopNamespace,
      'annotate',
      '--overwrite',
      'scaledobject',
      `${shopName}-notifications`,
      replicas === 'end' ? 'autoscaling.keda.sh/paused-replicas-' : `autoscaling.keda.sh/paused-replicas=${replicas}`,
    ]);
  /** Cordons or uncordons the cluster's nodes (ours carry kind-config.yaml's marker label). */
  const nodes = (verb: 'cordon' | 'uncordon') => kubectl(tools, [verb, '-l', markerLabel]);

  beforeAll(async () => {
    tools = (await sharedCluster(log)).tools;
    await applyShop(tools, log);
    const applied = await get<{ spec: Changed }>([shopKind, shopName]);
    before = { gateway: applied.spec.gateway, services: applied.spec.services };
    const scaleDown = { scaleDownStabilizationSeconds: 15 };
    await patchShop({
      // the test's load comes from one address (127.0.0.1) and one user
      gateway: { rateLimits: { perAddress: 100_000, perUser: 100_000 } },
      services: {
        catalog: {
          replicas: null,
          // the default requests (40m, and 10m for daprd): idle well under the 70% target, and two more
          // replicas fit in what the node's requests leave
          autoscaling: { minReplicas: 1, maxReplicas: 3, behavior: scaleDown },
        },
        notifications: {
          replicas: null,
          autoscaling: { minReplicas: 1, maxReplicas: 2, behavior: scaleDown },
        },
      },
    });
    await waitReady();
    // what the node's CPU requests leave for more replicas (a Pending replica would fail the test)
    const node = await kubectl(tools, ['describe', 'nodes']);
    log(`node CPU requests: ${/^\s+cpu\s+(\S+ \(\d+%\))/m.exec(node)?.[1] ?? 'unknown'} of the allocatable`);
    api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
    user = await eventually('a user', () => api.register(), minutes(2));
    const [product] = await api.products(1);
    if (!product) throw new Error('the demo catalog is empty');
    productId = product.id;
    await api.setStock(productId, 100_000);
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    if (!tools) return;
    // a test that stopped while the backlog was held leaves the node cordoned, or KEDA paused
    await nodes('uncordon').catch((err: Error) => log(`uncordon: ${err.message}`));
    await pauseNotifications('end').catch(() => undefined);
    // back to the shop's own spec: a JSON patch sets (or removes) exactly what the test changed
    const ops = (['gateway', 'services'] as const).map((key) =>
      before[key] === undefined
        ? { op: 'remove', path: `/spec/${key}` }
        : { op: 'replace', path: `/spec/${key}`, value: before[key] },
    );
    for (const op of ops) {
      await kubectl(tools, [
        '-n',
        shopNamespace,
        'patch',
        shopKind,
        shopName,
        '--type',
        'json',
        '-p',
        JSON.stringify([op]),
      ]).catch((err: Error) => log(`restoring spec${op.path.replace('/spec', '')}: ${err.message}`));
    }
    await waitReady();
  }, minutes(10));

  it(
    'scales catalog from 1 to 2 ready replicas (with daprd) under a read load through the ingress, and back to 1 after it',
    async () => {
      // metrics-server reports the pods' CPU: the autoscaler has a current utilization
      const idle = await until(
        "the catalog autoscaler's CPU reading, at 1 replica",
        async () => {
          const hpa = await get<{
            status: {
              currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[];
              conditions?: { type: string; status: string; message: string }[];
            };
          }>(['hpa', `${shopName}-catalog`]);
          const utilization = hpa.status.currentMetrics?.[0]?.resource?.current?.averageUtilization;
          const { wanted, ready } = await replicasOf('catalog');
          if (utilization !== undefined && wanted === 1 && ready === 1) return { utilization };
          const problems = (hpa.status.conditions ?? []).filter((c) => c.status !== 'True').map((c) => c.message);
          return `${wanted} wanted, ${ready} ready, utilization ${utilization ?? 'none'}% ${problems.join('; ')}`;
        },
        minutes(5),
      ).catch(async (err: Error) => {
        const logs = await kubectl(tools, ['-n', 'kube-system', 'logs', 'deployment/metrics-server', '--tail=15']);
        const top = await kubectl(tools, ['top', 'pods', '-n', shopNamespace]).catch((e: Error) => e.message);
        throw new Error(`${err.message}\nkubectl top pods:\n${top}\nmetrics-server's last lines:\n${logs}`);
      });
      log(`catalog at rest: 1 replica, ${idle.utilization}% of its CPU requests`);
      const began = Date.now();
      // a bounded load: four clients, one request at a time each, reads and searches, for at most 3 minutes
      const loads = Array.from({ length: 4 }, () =>
        startLoad({ api, user, productId, mix: ['read', 'search'], beatMs: 0 }),
      );
      let peak = 1;
      let answers: Answer[];
      try {
        await until(
          'a second catalog replica ready under load',
          async () => {
            const { wanted, ready } = await replicasOf('catalog');
            peak = Math.max(peak, wanted);
            return ready >= 2 ? true : `${wanted} wanted, ${ready} ready`;
          },
          minutes(3),
        );
      } finally {
        answers = (await Promise.all(loads.map((l) => l.stop()))).flat();
      }
      const scaledOut = Date.now() - began;
      const ended = Date.now();
      log(`load start -> 2nd catalog replica ready: ${seconds(scaledOut)}; ${summary(answers)}`);
      expect(failures(answers)).toEqual([]);
      await until(
        'catalog back at 1 replica',
        async () => {
          const { wanted, ready } = await replicasOf('catalog');
          peak = Math.max(peak, wanted);
          return wanted === 1 && ready === 1 ? true : `${wanted} wanted, ${ready} ready`;
        },
        minutes(4),
      );
      const scaledIn = Date.now() - ended;
      log(`load end -> catalog scaled in to 1: ${seconds(scaledIn)}; peak ${peak} replicas`);
      console.log(
        `catalog (HPA on CPU): load start -> 2nd replica ready ${seconds(scaledOut)}, load end -> 1 replica ${seconds(scaledIn)}, peak ${peak} replicas`,
      );
    },
    minutes(12),
  );

  it(
    'scales notifications out on a backlog of 520 order events through KEDA, handles each event once, and scales back in',
    async () => {
      const scaler = await get<{ status?: { conditions?: { type: string; status: string }[] } }>([
        'scaledobject',
        `${shopName}-notifications`,
      ]);
      expect(scaler.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      // One order handled first: its events make notifications' consumer group read to the end of the stream,
      // which is when Redis knows how far behind the group is. After Redis restarted from its append-only
      // file (day2's recovery test deletes its pod), Redis 7.0 cannot tell a group's lag until then, and
      // KEDA reads an unknown lag as 0 (docs/architecture.md).
      const warmUp = await placeSettled();
      await readEvents({ gatewayUrl: ingressUrl }, user.accessToken, {
        lastEventId: '0',
        until: (all) => all.filter((e) => e.data.orderId === warmUp).length === 2,
        timeoutMs: minutes(2),
      });
      await pauseNotifications(0);
      await until(
        'notifications paused at 0 replicas',
        async () => {
          const pods = await get<{ items: Pod[] }>(['pods', '-l', 'app.kubernetes.io/name=notifications']);
          const { wanted } = await replicasOf('notifications');
          return wanted === 0 && pods.items.length === 0 ? true : `${wanted} wanted, ${pods.items.length} pods`;
        },
        minutes(2),
      );
      // the backlog: orders through the ingress, 8 at a time, each settled (CONFIRMED: its two events are out)
      const placed: string[] = [warmUp];
      let sent = 0;
      const clients = Array.from({ length: 8 }, async () => {
        while (sent < backlogOrders) {
          sent++;
          placed.push(await placeSettled());
        }
      });
      await Promise.all(clients);
      const events = placed.length * 2;
      // what KEDA's lag trigger reads: the events not yet delivered to the group (the warm-up's were)
      const lag = await groupLag();
      log(
        `backlog: ${events - 2} order events of ${placed.length - 1} orders wait for notifications; Redis: lag ${lag}`,
      );
      expect(lag, 'the consumer group lag that KEDA scales on').toBe(events - 2);

      // Released on a cordoned node. One replica starts in about 4 s here and drains 520 events in under a
      // second, while the autoscaler looks every 15 s: a backlog released to a consumer that starts at once
      // is gone before anything looks (seen: KEDA's HPA read 0 and never asked for a second replica). Held
      // unscheduled, the replica KEDA starts waits where a real backlog's consumers are while it grows: not
      // reading yet. The autoscaler's decision then comes from the backlog alone.
      const began = Date.now();
      await nodes('cordon');
      try {
        await pauseNotifications('end');
        await until(
          'KEDA asking for 2 notifications replicas on the backlog',
          async () => {
            const { wanted } = await replicasOf('notifications');
            return wanted >= 2 ? true : `${wanted} wanted`;
          },
          minutes(2),
        );
      } finally {
        await nodes('uncordon');
      }
      const decided = Date.now() - began;
      let peak = 2;
      const watch = setInterval(() => {
        void replicasOf('notifications')
          .then(({ wanted }) => (peak = Math.max(peak, wanted)))
          .catch(() => undefined);
      }, 2_000);
      let ready: number;
      let drained: number;
      try {
        await until(
          '2 notifications replicas ready',
          async () => {
            const replicas = await replicasOf('notifications');
            return replicas.ready >= 2 ? true : `${replicas.wanted} wanted, ${replicas.ready} ready`;
          },
          minutes(3),
        );
        ready = Date.now() - began;
        // every notification of the user, from the first (Last-Event-ID 0): the backlog drained
        await readEvents({ gatewayUrl: ingressUrl }, user.accessToken, {
          lastEventId: '0',
          until: (all) => all.length >= events,
          timeoutMs: minutes(4),
        });
        drained = Date.now() - began;
        await sleep(5_000);
      } finally {
        clearInterval(watch);
      }
      log(
        `backlog released -> 2 replicas wanted ${seconds(decided)}, 2 ready ${seconds(ready)}, drained ${seconds(drained)}`,
      );
      // exactly once, read again 5 s later: one order.created and one order.confirmed per order, nothing
      // else, nothing twice (notifications keeps one row per CloudEvent id; this checks the events themselves)
      const seen = await readEvents({ gatewayUrl: ingressUrl }, user.accessToken, {
        lastEventId: '0',
        until: (all) => all.length >= events,
        timeoutMs: minutes(1),
      });
      const keys = seen.map((e) => `${String(e.data.orderId)} ${e.event}`);
      const wanted = placed.flatMap((id) => [`${id} order.created`, `${id} order.confirmed`]);
      // named, not a diff of 500 lines: what came twice (with its SSE ids), what never came
      const twice = seen.filter((e, at) => keys.indexOf(keys[at] ?? '') !== at);
      expect({
        twice: twice.map((e) => `${e.id} ${String(e.data.orderId)} ${e.event}`),
        missing: wanted.filter((key) => !keys.includes(key)),
        others: keys.filter((key) => !wanted.includes(key)),
      }).toEqual({ twice: [], missing: [], others: [] });
      log(`${events} events, each handled once`);

      const drainedAt = Date.now();
      await until(
        'notifications back at 1 replica',
        async () => {
          const { wanted, ready } = await replicasOf('notifications');
          return wanted === 1 && ready === 1 ? true : `${wanted} wanted, ${ready} ready`;
        },
        minutes(4),
      );
      const scaledIn = Date.now() - drainedAt;
      console.log(
        `notifications (KEDA, Redis Streams lag): ${events - 2} events of a backlog handled once each; release -> ` +
          `2 replicas wanted ${seconds(decided)}, 2 ready ${seconds(ready)}, drained ${seconds(drained)}; drained -> ` +
          `1 replica ${seconds(scaledIn)}; peak ${peak} replicas`,
      );
    },
    minutes(15),
  );
});
