// The shop on a real kind cluster: Dapr's control plane, Traefik, the operator in the cluster, and one
// ShopStack, reached only through the ingress on 127.0.0.1. The run's one cluster (tests/support/cluster.ts)
// is created when missing (cold: images and the node image are built here) and reused when present.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSidecarGoMaxProcs } from '../../cdk8s/src/spec.ts';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { adminCredentials, applyShop, ingressUrl, shopName, shopNamespace } from '../../scripts/cluster/up.ts';
import { serviceNames } from '../../services/manifests.ts';
import { type CheckoutClient, checkoutClient, eventually, type Order, readEvents } from '../support/checkout.ts';
import { sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';
import type { Session } from '../support/storefront.ts';

const gateway = { gatewayUrl: ingressUrl };
const minutes = (n: number): number => n * 60_000;

interface Pod {
  metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string }[] };
  spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] };
  status: { phase: string; containerStatuses?: { name: string; ready: boolean }[] };
}

describe('ShopStack on a kind cluster, through the ingress', () => {
  let tools: ClusterTools;
  let api: CheckoutClient;
  let alice: Session;

  const pods = async (selector: string): Promise<Pod[]> =>
    JSON.parse(await kubectl(tools, ['-n', shopNamespace, 'get', 'pods', '-l', selector, '-o', 'json'])).items;

  /** Runs `script` with the app's Node inside a service's app container (its env holds its Dapr token). */
  const inApp = async (service: string, script: string): Promise<string> => {
    const [pod] = (await pods(`app.kubernetes.io/name=${service}`)).filter((p) => p.status.phase === 'Running');
    if (!pod) throw new Error(`no running ${service} pod`);
    return kubectl(tools, ['-n', shopNamespace, 'exec', pod.metadata.name, '-c', service, '--', 'node', '-e', script]);
  };

  beforeAll(async () => {
    tools = (await sharedCluster((line) => console.error(line))).tools;
    await applyShop(tools, (line) => console.error(line));
    api = checkoutClient(gateway, await adminCredentials(tools));
    alice = await eventually('the API through the ingress to register a user', () => api.register(), minutes(2));
  }, sharedClusterHookTimeout);

  it('reports the ShopStack Ready with every service pod Running 2/2 (app + daprd)', async () => {
    const shop = JSON.parse(await kubectl(tools, ['-n', shopNamespace, 'get', 'shop', shopName, '-o', 'json']));
    expect(shop.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    for (const service of serviceNames) {
      const running = (await pods(`app.kubernetes.io/name=${service}`)).filter((p) => p.status.phase === 'Running');
      expect(running.length, service).toBeGreaterThan(0);
      for (const pod of running) {
        const containers = pod.status.containerStatuses ?? [];
        expect(containers.map((c) => c.name).sort(), pod.metadata.name).toEqual(['daprd', service].sort());
        expect(
          containers.every((c) => c.ready),
          `${pod.metadata.name} ready`,
        ).toBe(true);
        // the operator's dapr.io/env annotation reached the injected sidecar (spec.dapr.sidecarGoMaxProcs)
        const daprd = pod.spec.containers.find((c) => c.name === 'daprd');
        expect(daprd?.env, `${pod.metadata.name} daprd env`).toContainEqual({
          name: 'GOMAXPROCS',
          value: String(defaultSidecarGoMaxProcs),
        });
      }
    }
  });

  it(
    'lists products, registers a user, and confirms a tok_visa order with order.confirmed over SSE',
    async () => {
      const [product] = await api.products(1);
      if (!product) throw new Error('the demo catalog is empty');
      // other tests on this cluster may hold stock of this product: on hand covers what they hold, plus 100
      // (a product never stocked answers 404: nothing is held)
      const stock = await api.stock(product.id);
      const held = Number.isFinite(stock.onHand - stock.available) ? stock.onHand - stock.available : 0;
      await api.setStock(product.id, held + 100);
      let orderId = '';
      const events = await readEvents(gateway, alice.accessToken, {
        onOpen: async () => {
          const res = await api.placeOrder(alice.accessToken, {
            items: [{ productId: product.id, quantity: 1 }],
            payment: { token: 'tok_visa' },
          });
          expect(res.status).toBe(202);
          orderId = res.body.id;
        },
        until: (seen) => seen.some((e) => e.event === 'order.confirmed'),
        timeoutMs: 60_000,
      });
      expect(events.find((e) => e.event === 'order.confirmed')?.data).toMatchObject({ orderId, status: 'CONFIRMED' });

      const cancelled = await api.call('POST', `/api/v1/orders/${orderId}/cancel`, { token: alice.accessToken });
      expect(cancelled.status).toBe(202);
      const refunded = await eventually('the refund', async () => {
        const res = await api.order(alice.accessToken, orderId);
        return res.body.payment?.status === 'refunded' ? (res.body as Order) : undefined;
      });
      expect(refunded).toMatchObject({ status: 'CANCELLED', reason: 'customer' });
    },
    minutes(3),
  );

  it(
    'runs every sidecar with a Sentry-issued certificate, and Dapr access control refuses a caller not listed',
    async () => {
      // every sidecar fetched its workload certificate from Sentry before serving
      for (const service of serviceNames) {
        const log = await kubectl(tools, [
          '-n',
          shopNamespace,
          'logs',
          `deployment/${shopName}-${service}`,
          '-c',
          'daprd',
        ]);
        expect(log, service).toContain('Security is initialized successfully');
        expect(log, service).toMatch(/cert expires on: \d{4}-\d{2}-\d{2}/);
      }
      const [sentry] = JSON.parse(
        await kubectl(tools, ['-n', 'dapr-system', 'get', 'pods', '-l', 'app=dapr-sentry', '-o', 'json']),
      ).items;
      const metrics = await kubectl(tools, [
        'get',
        '--raw',
        `/api/v1/namespaces/dapr-system/pods/${sentry.metadata.name}:9090/proxy/metrics`,
      ]);
      const signed = Number(/^dapr_sentry_cert_sign_success_total (\d+)/m.exec(metrics)?.[1] ?? 0);
      expect(signed).toBeGreaterThanOrEqual(serviceNames.length);
      // cart may not call identity (only gateway may): its sidecar's request is refused by identity's. The
      // call goes through the app container's own kit (/app/services/kit), as the app's calls do.
      const call = (from: string) =>
        inApp(
          from,
          `import('@shopstack/kit/sidecar').then(({sidecarOf})=>sidecarOf({` +
            `DAPR_HTTP_PORT:Number(process.env.DAPR_HTTP_PORT??3500),DAPR_API_TOKEN:process.env.DAPR_API_TOKEN})` +
            `.invoke('identity',{method:'GET',path:'.well-known/jwks.json'})).then(r=>console.log(r.status,r.body))`,
        );
      const denied = await call('cart');
      expect(denied).toMatch(/^403 /);
      expect(denied).toContain('access control policy has denied access to id: spiffe://public/ns/shop/cart');
      expect(await call('gateway')).toMatch(/^200 /);
    },
    minutes(2),
  );

  it(
    'settles each of 50 orders exactly once while an orders pod is deleted, and stock balances',
    async () => {
      const [product] = await api.products(1);
      if (!product) throw new Error('the demo catalog is empty');
      await api.setStock(product.id, 1000);
      const before = await api.stock(product.id);
      // a client retries with the same Idempotency-Key while the only orders pod is replaced, as it should
      const place = async (): Promise<string> => {
        const key = randomUUID();
        const body = { items: [{ productId: product.id, quantity: 1 }], payment: { token: 'tok_visa' } };
        return eventually(
          `order ${key} to be accepted`,
          async () => {
            const res = await api.placeOrder(alice.accessToken, body, key);
            if (res.status === 202) return res.body.id as string;
            // 50 clients every 10 s stay within the per-user limit (300/min)
            await new Promise((r) => setTimeout(r, 10_000));
            return undefined;
          },
          minutes(3),
        );
      };
      const placed = Promise.all(Array.from({ length: 50 }, place));
      const [victim] = await pods('app.kubernetes.io/name=orders');
      if (!victim) throw new Error('no orders pod');
      await kubectl(tools, ['-n', shopNamespace, 'delete', 'pod', victim.metadata.name, '--wait=false']);
      const ids = await placed;
      expect(new Set(ids).size).toBe(50);
      // one request at a time: the gateway's per-user rate limit applies through the ingress too
      const settled = new Map<string, Order>();
      await eventually(
        'every order to settle',
        async () => {
          for (const id of ids.filter((i) => !settled.has(i))) {
            const res = await api.order(alice.accessToken, id);
            if (res.status === 200 && res.body.status !== 'PENDING') settled.set(id, res.body);
            await new Promise((r) => setTimeout(r, 250));
          }
          return settled.size === ids.length ? true : undefined;
        },
        minutes(4),
      );
      const confirmed = [...settled.values()].filter((o) => o.status === 'CONFIRMED').length;
      const stock = await eventually('stock to come to rest', async () => {
        const s = await api.stock(product.id);
        return s.reserved === 0 ? s : undefined;
      });
      expect(stock.onHand).toBe(stock.available + stock.reserved + stock.committed);
      expect(confirmed).toBe(50);
      expect(stock.committed - before.committed).toBe(confirmed);
      console.error(`50 orders: ${ids.length} accepted, ${confirmed} confirmed, stock ${JSON.stringify(stock)}`);
    },
    minutes(9),
  );

  it(
    'deletes its children with the ShopStack, and its data volume with volumeRetention Delete',
    async () => {
      const owned = async () =>
        (
          await kubectl(tools, [
            '-n',
            shopNamespace,
            'get',
            'deployments,statefulsets,services,configmaps,secrets,pvc',
            '-o',
            'name',
          ])
        )
          .split('\n')
          // the namespace's CA bundle and the admin Secret the user created are not the ShopStack's
          .filter((name) => name && !name.endsWith('/kube-root-ca.crt') && name !== 'secret/shop-admin');
      expect((await owned()).length).toBeGreaterThan(0);
      await kubectl(tools, ['-n', shopNamespace, 'delete', 'shop', shopName, '--timeout=5m']);
      const left = await eventually(
        'the children to be gone',
        async () => {
          const names = await owned();
          return names.length === 0 ? names : undefined;
        },
        minutes(3),
      );
      expect(left).toEqual([]);
      // back to a shop for whoever reuses the cluster
      await applyShop(tools, (line) => console.error(line));
    },
    minutes(15),
  );

  it('gives a clear answer for a bad ShopStack: the API server refuses it by field', async () => {
    const bad = {
      apiVersion: 'shopstack.io/v1alpha1',
      kind: 'ShopStack',
      metadata: { name: `bad-${randomUUID().slice(0, 8)}`, namespace: shopNamespace },
      spec: { version: 'latest' },
    };
    await expect(kubectl(tools, ['apply', '-f', '-'], JSON.stringify(bad))).rejects.toThrow(/spec.version/);
  });
});
