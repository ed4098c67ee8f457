// Scenario: the same product read directly from catalog, through Dapr only (gateway's sidecar →
// catalog's sidecar → catalog), and through the whole public path (gateway → Dapr → catalog).
import { sidecarClientOf } from '../support/sidecar.ts';
import { startTestStack } from '../support/stack.ts';
import { measureLatency, measureThroughput, treeMemoryMb } from './measure.ts';

export type BenchResult = Record<string, number | string>;

export async function runInvocationBench(): Promise<BenchResult> {
  // the benchmark client is one address: lift the per-address limit out of the way
  const stack = await startTestStack(['gateway', 'catalog'], {
    env: { gateway: { RATE_LIMIT_PER_ADDRESS: '100000000' } },
  });
  try {
    const catalog = stack.services.catalog;
    const gateway = stack.services.gateway;
    if (!catalog || !gateway) throw new Error('stack is missing a service');
    const pids = [stack.postgres, stack.redis, stack.sentry].map((s) => s.proc.child.pid ?? 0);
    for (const s of Object.values(stack.services))
      if (s) pids.push(s.proc.child.pid ?? 0, s.sidecar.proc.child.pid ?? 0);
    const idleMemory = treeMemoryMb(pids);
    const list = (await (await fetch(`${stack.gatewayUrl}/api/v1/products?limit=1`)).json()) as {
      items: { id: string }[];
    };
    const id = list.items[0]?.id;
    const paths = {
      direct: {
        url: `http://127.0.0.1:${catalog.appPort}/products/${id}`,
        headers: { 'dapr-api-token': catalog.tokens.appApiToken },
      },
      dapr: {
        url: sidecarClientOf(gateway).invokeUrl('catalog', `products/${id}`),
        headers: { 'dapr-api-token': gateway.tokens.daprApiToken },
      },
      gateway: { url: `${stack.gatewayUrl}/api/v1/products/${id}`, headers: {} },
    };
    const latency = {
      direct: await measureLatency(paths.direct.url, paths.direct.headers),
      dapr: await measureLatency(paths.dapr.url, paths.dapr.headers),
      gateway: await measureLatency(paths.gateway.url),
    };
    // the bare-sidecar run goes last: autocannon hangs up on its in-flight requests when it stops,
    // Dapr counts those as failures, and the circuit breaker may open for a few seconds
    const direct = await measureThroughput(paths.direct.url, { headers: paths.direct.headers });
    const gatewayRun = await measureThroughput(paths.gateway.url);
    const throughput = {
      direct,
      gateway: gatewayRun,
      dapr: await measureThroughput(paths.dapr.url, { headers: paths.dapr.headers }),
    };
    const fmt = (n: number): string => n.toFixed(2);
    console.table({
      'direct to catalog': {
        'p50 ms': fmt(latency.direct.p50),
        'p99 ms': fmt(latency.direct.p99),
        'req/s (10 conn)': Math.round(throughput.direct.rps),
      },
      'via Dapr sidecars': {
        'p50 ms': fmt(latency.dapr.p50),
        'p99 ms': fmt(latency.dapr.p99),
        'req/s (10 conn)': Math.round(throughput.dapr.rps),
      },
      'via gateway + Dapr': {
        'p50 ms': fmt(latency.gateway.p50),
        'p99 ms': fmt(latency.gateway.p99),
        'req/s (10 conn)': Math.round(throughput.gateway.rps),
      },
    });
    return {
      'dapr adds p50 ms': fmt(latency.dapr.p50 - latency.direct.p50),
      'dapr adds p99 ms': fmt(latency.dapr.p99 - latency.direct.p99),
      'gateway path adds p50 ms': fmt(latency.gateway.p50 - latency.direct.p50),
      'throughput dapr/direct': fmt(throughput.dapr.rps / throughput.direct.rps),
      'throughput gateway/direct': fmt(throughput.gateway.rps / throughput.direct.rps),
      errors: throughput.direct.errors + throughput.dapr.errors + throughput.gateway.errors,
      'stack memory idle, MB (PSS)': Math.round(idleMemory),
      'stack memory after load, MB (PSS)': Math.round(treeMemoryMb(pids)),
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.main) console.table(await runInvocationBench());
