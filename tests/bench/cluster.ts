// Scenario: the shop on the kind cluster against `npm start`'s local stack, in the same run. A product
// read and a confirmed order through the ingress on 127.0.0.1, as ratios to the same operations on
// the local stack; and the memory of the whole cluster with one shop (the kind node's container).
// Sequential and small: the gateway's per-address rate limit (600/min) applies through the ingress.
import { randomUUID } from 'node:crypto';
import { execOrThrow } from '../../scripts/cluster/exec.ts';
import { type ClusterFound, leaveClusterAsFound } from '../../scripts/cluster/kind.ts';
import { adminCredentials, clusterUp, ingressUrl } from '../../scripts/cluster/up.ts';
import { serviceNames } from '../../services/manifests.ts';
import { checkoutClient } from '../support/checkout.ts';
import { startTestStack } from '../support/stack.ts';
import { ADMIN, storefrontEnv } from '../support/storefront.ts';
import { type Latency, measureLatency } from './measure.ts';

type Client = ReturnType<typeof checkoutClient>;

/** Seconds from POST to CONFIRMED for `count` orders placed one after another. */
async function orderLatency(api: Client, count: number): Promise<Latency> {
  const user = await api.register({ email: `bench-${randomUUID()}@example.com` });
  const [product] = await api.products(1);
  if (!product) throw new Error('no product to order');
  await api.setStock(product.id, 10_000);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const began = Date.now();
    const res = await api.placeOrder(user.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_visa' },
    });
    if (res.status !== 202) throw new Error(`order answered ${res.status}`);
    const order = await api.settled(user.accessToken, res.body.id, 60_000);
    if (order.status !== 'CONFIRMED') throw new Error(`order ${order.id} ended ${order.status}`);
    samples.push((Date.now() - began) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)] ?? Number.NaN, p99: samples.at(-1) ?? Number.NaN };
}

async function productRead(gatewayUrl: string, api: Client): Promise<Latency> {
  const [product] = await api.products(1);
  if (!product) throw new Error('no product to read');
  return measureLatency(`${gatewayUrl}/api/v1/products/${product.id}`, {}, 200);
}

export async function runClusterBench(): Promise<Record<string, number | string>> {
  const progress = (line: string): void => console.error(line);
  const began = Date.now();
  // learnt as soon as the cluster exists, so that a later failure (even inside clusterUp) leaves it as found
  let found = 'running' as ClusterFound;
  try {
    const up = await clusterUp({
      progress,
      onFound: (what) => {
        found = what;
      },
    });
    const upSeconds = Math.round((Date.now() - began) / 1000);
    const cluster = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(up.tools));
    const clusterRead = await productRead(ingressUrl, cluster);
    await new Promise((r) => setTimeout(r, 60_000)); // a fresh rate-limit window for the orders
    const clusterOrder = await orderLatency(cluster, 10);
    const memory = await execOrThrow('docker stats', 'docker', [
      'stats',
      '--no-stream',
      '--format',
      '{{.MemUsage}}',
      'shopstack-control-plane',
    ]);

    const stack = await startTestStack(serviceNames, {
      env: {
        identity: storefrontEnv.identity,
        gateway: { RATE_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_USER: '100000' },
      },
    });
    try {
      const local = checkoutClient(stack, ADMIN);
      const localRead = await productRead(stack.gatewayUrl, local);
      const localOrder = await orderLatency(local, 10);
      return {
        [`npm run cluster s (found the cluster ${found === 'none' ? 'missing' : found})`]: upSeconds,
        'cluster memory (kind node)': memory.split('/')[0]?.trim() ?? memory,
        'product read p50 ms, cluster / local': `${clusterRead.p50.toFixed(2)} / ${localRead.p50.toFixed(2)}`,
        'product read p50 ratio': Number((clusterRead.p50 / localRead.p50).toFixed(2)),
        'product read p99 ratio': Number((clusterRead.p99 / localRead.p99).toFixed(2)),
        'order → CONFIRMED p50 s, cluster / local': `${clusterOrder.p50.toFixed(2)} / ${localOrder.p50.toFixed(2)}`,
        'order p50 ratio': Number((clusterOrder.p50 / localOrder.p50).toFixed(2)),
      };
    } finally {
      await stack.stop();
    }
  } finally {
    // as the kind and Tilt tests do: a node this run started is stopped again, a cluster it created deleted
    await leaveClusterAsFound(found, { progress });
  }
}
