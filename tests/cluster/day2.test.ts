// Day-2 operations on the kind cluster, under load through the ingress on 127.0.0.1 (issue 25): a rolling
// restart with no failed request, and an operator upgrade that leaves running shops untouched. It shares
// the run's cluster and leaves the demo shop as it found it. A shop upgrade between two image versions
// still fails requests, so its test is not here yet (docs/operations.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, installOperator, kubectl, operatorNamespace } from '../../scripts/cluster/addons.ts';
import { buildImages, imageNames, shopVersion } from '../../scripts/cluster/images.ts';
import { loadImages } from '../../scripts/cluster/kind.ts';
import { adminCredentials, applyShop, ingressUrl, shopName, shopNamespace } from '../../scripts/cluster/up.ts';
import { type CheckoutClient, checkoutClient, eventually } from '../support/checkout.ts';
import { sharedCluster } from '../support/cluster.ts';
import { failures, startLoad, summary } from '../support/load.ts';
import type { Session } from '../support/storefront.ts';

const minutes = (n: number): number => n * 60_000;
/** The ShopStack kind, fully qualified: a bare `shopstack` may also name a category of several kinds. */
const shopKind = 'shopstacks.shopstack.io';
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
  metadata: { name: string; resourceVersion: string; generation?: number; labels?: Record<string, string> };
  status?: { containerStatuses?: { name: string; restartCount: number }[] };
}

describe('day-2 operations of a ShopStack on kind, under load through the ingress', () => {
  let tools: ClusterTools;
  let api: CheckoutClient;
  let productId: string;
  const users: Session[] = [];

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
  beforeAll(async () => {
    tools = (await sharedCluster(log)).tools;
    // a shop left at another version (an interrupted run) would refuse the example's: start it afresh
    const found = await kubectl(tools, [
      '-n',
      shopNamespace,
      'get',
      shopKind,
      shopName,
      '--ignore-not-found',
      '-o',
      'json',
    ]);
    const version = found ? (JSON.parse(found) as { status?: ShopStatus }).status?.version : undefined;
    if (version && version !== from) {
      log(`the shop runs ${version}; re-creating it at ${from}`);
      await kubectl(tools, ['-n', shopNamespace, 'delete', shopKind, shopName, '--timeout=5m']);
    }
    await applyShop(tools, log);
    api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
    // one user per load (the per-user limit is 300/min)
    for (let i = 0; i < 3; i++) users.push(await eventually('a user', () => api.register(), minutes(2)));
    const [product] = await api.products(1);
    if (!product) throw new Error('the demo catalog is empty');
    productId = product.id;
    await api.setStock(productId, 100_000);
  }, minutes(20));

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
      // the second version of the shop's own images: the same sources, another tag and label (seconds)
      const next = await buildImages({
        progress: log,
        version: to,
        groups: ['services', 'operator'],
        refresh: ['services', 'operator'],
      });
      await loadImages([...Object.values(next.services), next.operator, next.dashboard], { progress: log });
      const snapshot = async () => {
        const objects = await get<{ items: Listed[] }>([
          'deployments,statefulsets,services,configmaps,secrets,ingresses,poddisruptionbudgets,networkpolicies,components.dapr.io,configurations.dapr.io,subscriptions.dapr.io,resiliencies.dapr.io,shopstacks.shopstack.io',
        ]);
        const pods = await get<{ items: Listed[] }>(['pods']);
        return {
          versions: Object.fromEntries(
            objects.items.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]),
          ),
          restarts: Object.fromEntries(
            pods.items.map((p) => [
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
});
