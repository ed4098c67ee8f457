// Scenario: a product read through the public path (gateway → Dapr → catalog, cache warm) against
// a bare node:http server answering the same JSON, measured in the same run on the same machine.
// Also: the same read direct to catalog (with its app token) and through the sidecars only, so the
// latency Dapr adds is visible. Targets: gateway ≥ 35% of the bare server's req/s, p99 < 20 ms.
// Headline (issue 11): the product list and a product read through the gateway, each with the CPU
// per request of every process (≤ 1.5 ms in all, ≤ 0.5 ms in the apps) and p99 at half the maximum load,
// next to the same client's p99 against the bare server at the same rate, the host's steal time, the
// cores the gateway, the client and the whole stack kept busy meanwhile, and the gateway's GC pauses.
import type { ChildProcess } from 'node:child_process';
import { sidecarClientOf } from '../support/sidecar.ts';
import { metricValue, startTestStack } from '../support/stack.ts';
import { type CpuPerOp, profilingEnv, stackProcesses, startCpuMeter, startStealMeter } from './cpu.ts';
import { measureAtRate, measureLatency, measureThroughput, startBareServer, type Throughput } from './measure.ts';
import type { ScenarioReport } from './report.ts';

export type BenchResult = Record<string, number | string>;

/**
 * Throughput at 10 connections with the CPU per request of every process, then p50/p99 at half that rate:
 * spread evenly (`even`), and as autocannon sends it, in per-second bursts (`half`, kept for comparison
 * with earlier rounds).
 */
async function headline(
  url: string,
  processes: Record<string, number>,
  opts: { headers?: Record<string, string>; gatewayMetrics?: string } = {},
): Promise<{
  load: Throughput;
  half: Throughput;
  even: Awaited<ReturnType<typeof measureAtRate>>;
  evenSteal: number;
  /** Cores each process kept busy during the even half load (CPU ms per wall ms). */
  evenCores: CpuPerOp;
  /** The gateway's GC pauses during the even half load, when it serves the read. */
  evenGc?: GcPauses;
  cpu: CpuPerOp;
}> {
  const { headers, gatewayMetrics } = opts;
  const meter = startCpuMeter(processes);
  const load = await measureThroughput(url, { headers });
  const cpu = meter.perOp(load.total);
  await measureAtRate(url, { rate: load.rps / 2, headers, seconds: 2, warmupSeconds: 0 }); // warm-up, unrecorded
  const steal = startStealMeter();
  const busy = startCpuMeter(processes);
  const gcBefore = gatewayMetrics ? await gcSoFar(gatewayMetrics) : undefined;
  const began = performance.now();
  const even = await measureAtRate(url, { rate: load.rps / 2, headers, warmupSeconds: 0 });
  const evenCores = busy.perOp(performance.now() - began);
  const evenSteal = steal.percent();
  const evenGc = gatewayMetrics && gcBefore ? gcSince(gcBefore, await gcSoFar(gatewayMetrics)) : undefined;
  const half = await measureThroughput(url, { rate: load.rps / 2, headers });
  return { load, half, even, evenSteal, evenCores, evenGc, cpu };
}

/** Full collections counted; pause ms of full collections with their incremental steps, and of scavenges. */
type GcPauses = { majorCount: number; majorMs: number; minorMs: number };

/** A service's GC pauses so far, from prom-client's `nodejs_gc_duration_seconds` on its `/metrics`. */
async function gcSoFar(metricsUrl: string): Promise<GcPauses> {
  const text = await (await fetch(metricsUrl)).text();
  const ms = (kind: string): number => 1000 * metricValue(text, 'nodejs_gc_duration_seconds_sum', { kind });
  return {
    majorCount: metricValue(text, 'nodejs_gc_duration_seconds_count', { kind: 'major' }),
    majorMs: ms('major') + ms('incremental'),
    minorMs: ms('minor'),
  };
}

function gcSince(before: GcPauses, after: GcPauses): GcPauses {
  return {
    majorCount: after.majorCount - before.majorCount,
    majorMs: Number((after.majorMs - before.majorMs).toFixed(1)),
    minorMs: Number((after.minorMs - before.minorMs).toFixed(1)),
  };
}

export async function runStorefrontBench(): Promise<ScenarioReport> {
  const stack = await startTestStack(['gateway', 'catalog'], {
    // the benchmark client is one address: lift the per-address limit out of the way
    env: {
      gateway: { RATE_LIMIT_PER_ADDRESS: '100000000', LOG_LEVEL: 'warn', ...profilingEnv() },
      catalog: { LOG_LEVEL: 'warn', ...profilingEnv() },
    },
  });
  let bare: { url: string; child: ChildProcess } | undefined;
  try {
    const catalog = stack.services.catalog;
    const gateway = stack.services.gateway;
    if (!catalog || !gateway) throw new Error('stack is missing a service');
    const listUrl = `${stack.gatewayUrl}/api/v1/products?limit=20`;
    const list = (await (await fetch(listUrl)).json()) as { items: { id: string }[] };
    const id = list.items[0]?.id;
    const gatewayUrl = `${stack.gatewayUrl}/api/v1/products/${id}`;
    const productBody = await (await fetch(gatewayUrl)).text(); // also warms the cache
    const processes = stackProcesses(stack);
    await measureThroughput(listUrl, { seconds: 2 }); // warm-up: JIT, connections, caches
    const direct = {
      url: `http://127.0.0.1:${catalog.appPort}/products/${id}`,
      headers: { 'dapr-api-token': catalog.tokens.appApiToken },
    };
    const viaDapr = {
      url: sidecarClientOf(gateway).invokeUrl('catalog', `products/${id}`),
      headers: { 'dapr-api-token': gateway.tokens.daprApiToken },
    };
    const gatewayMetrics = `${stack.gatewayUrl}/metrics`;
    const headlines = {
      'product list': await headline(listUrl, processes, { gatewayMetrics }),
      product: await headline(gatewayUrl, processes, { gatewayMetrics }),
      // one service invocation, not cached: what each sidecar spends per invoke (Dapr's figure: 0.48 ms)
      'product via sidecars': await headline(viaDapr.url, processes, { headers: viaDapr.headers }),
    };
    bare = await startBareServer(productBody);
    // the floor of p99 at each half-load rate on this machine: the same client, a bare server, same run
    const bareAtRate: Record<string, { p99: number; steal: number }> = {};
    for (const [name, h] of Object.entries(headlines)) {
      const steal = startStealMeter();
      const even = await measureAtRate(bare.url, { rate: h.load.rps / 2 });
      bareAtRate[name] = { p99: even.p99, steal: steal.percent() };
    }

    const sequential = {
      bare: await measureLatency(bare.url),
      direct: await measureLatency(direct.url, direct.headers),
      dapr: await measureLatency(viaDapr.url, viaDapr.headers),
      gateway: await measureLatency(gatewayUrl),
    };
    // the machine's speed in this run: CPU per request of a bare node:http answer, to divide by
    const bareMeter = startCpuMeter({ 'bare node:http': bare.child.pid ?? 0 });
    const bareLoad = await measureThroughput(bare.url);
    const bareCpu = bareMeter.perOp(bareLoad.total)['bare node:http'] ?? Number.NaN;
    const load: Record<string, Throughput> = {
      bare: bareLoad,
      direct: await measureThroughput(direct.url, { headers: direct.headers }),
      gateway: headlines.product.load,
    };
    const fmt = (n: number): string => n.toFixed(2);
    const row = (name: keyof typeof sequential) => ({
      'req/s (10 conn)': load[name] ? Math.round(load[name].rps) : '-',
      'p50 ms under load': load[name] ? load[name].p50 : '-',
      'p99 ms under load': load[name] ? load[name].p99 : '-',
      'p50 ms sequential': fmt(sequential[name].p50),
      'p99 ms sequential': fmt(sequential[name].p99),
    });
    console.table({
      'bare node:http': row('bare'),
      'catalog direct (app token)': row('direct'),
      'catalog via Dapr sidecars': row('dapr'),
      'gateway (public path)': row('gateway'),
    });
    const ratio = (load.gateway?.rps ?? 0) / (load.bare?.rps ?? 1);
    const p99 = load.gateway?.p99 ?? Number.NaN;
    const summary: BenchResult = {};
    for (const [name, h] of Object.entries(headlines)) {
      summary[`${name}: req/s`] = Math.round(h.load.rps);
      summary[`${name}: p99 ms (max)`] = h.load.p99;
      summary[`${name}: p50 ms (half load)`] = Number(h.even.p50.toFixed(2));
      summary[`${name}: p99 ms (half load)`] = Number(h.even.p99.toFixed(2));
      summary[`${name}: host steal % (half load)`] = h.evenSteal;
      // two vCPUs: what the client and the stack leave of them sets how fast a queue drains after a stall
      summary[`${name}: cores busy (half load), gateway`] = h.evenCores.gateway ?? Number.NaN;
      summary[`${name}: cores busy (half load), bench client`] = h.evenCores['bench client'] ?? Number.NaN;
      summary[`${name}: cores busy (half load), stack`] = h.evenCores.all ?? Number.NaN;
      // a full collection in the window stalls the gateway once and often sets the run's p99 (thirteenth round)
      if (h.evenGc) {
        summary[`${name}: gateway major GCs (half load)`] = h.evenGc.majorCount;
        summary[`${name}: gateway GC pause ms (half load), major + incremental`] = h.evenGc.majorMs;
        summary[`${name}: gateway GC pause ms (half load), minor`] = h.evenGc.minorMs;
      }
      summary[`${name}: p99 ms, bare node:http at that rate`] = Number(bareAtRate[name]?.p99.toFixed(2));
      summary[`${name}: host steal % (bare at that rate)`] = bareAtRate[name]?.steal ?? Number.NaN;
      summary[`${name}: p99 ms (half load, autocannon bursts)`] = h.half.p99;
      summary[`${name}: p99 ms (half load, autocannon bursts, uncorrected)`] = h.half.p99Measured ?? Number.NaN;
      summary[`${name}: CPU ms/req, all`] = h.cpu.all ?? Number.NaN;
      summary[`${name}: CPU ms/req, apps`] = h.cpu.apps ?? Number.NaN;
      summary[`${name}: CPU ms/req, sidecars`] = h.cpu.sidecars ?? Number.NaN;
      summary[`${name}: CPU all ÷ bare node:http`] = Math.round((h.cpu.all ?? Number.NaN) / bareCpu);
    }
    const invoke = headlines['product via sidecars'].cpu;
    summary['sidecar CPU ms per invoke, caller (daprd-gateway)'] = invoke['daprd-gateway'] ?? Number.NaN;
    summary['sidecar CPU ms per invoke, callee (daprd-catalog)'] = invoke['daprd-catalog'] ?? Number.NaN;
    summary['bare node:http CPU ms/req'] = bareCpu;
    const cpuPerOp = Object.fromEntries(Object.entries(headlines).map(([name, h]) => [name, h.cpu]));
    const summaryTail: BenchResult = {
      'gateway req/s': Math.round(load.gateway?.rps ?? 0),
      'bare req/s': Math.round(load.bare?.rps ?? 0),
      'gateway/bare': fmt(ratio),
      'gateway p50 ms': load.gateway?.p50 ?? Number.NaN,
      'gateway p99 ms': p99,
      'dapr adds p50 ms': fmt(sequential.dapr.p50 - sequential.direct.p50),
      'dapr adds p99 ms': fmt(sequential.dapr.p99 - sequential.direct.p99),
      'target ≥0.35 and p99 <20ms': ratio >= 0.35 && p99 < 20 ? 'met' : 'missed',
      errors:
        Object.values(load).reduce((sum, t) => sum + t.errors, 0) +
        Object.values(headlines).reduce((sum, h) => sum + h.load.errors + h.half.errors + h.even.errors, 0),
    };
    return { summary: { ...summary, ...summaryTail }, cpuPerOp };
  } finally {
    bare?.child.kill();
    await stack.stop();
  }
}

if (import.meta.main) console.table((await runStorefrontBench()).summary);
