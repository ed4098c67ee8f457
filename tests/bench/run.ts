// `npm run bench [-- scenario ...]`: runs the benchmark scenarios (all by default) one after another.
// Figures are ratios against baselines measured in the same run: the machine is shared and noisy.
// Each run also writes .bench/<timestamp>.json (git rev, every scenario's figures and CPU per
// operation of each process) so that runs can be compared.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScenarioReport } from './report.ts';

type Figures = Record<string, number | string>;
type Scenario = () => Promise<Figures | ScenarioReport>;

const scenarios: Record<string, () => Promise<Scenario>> = {
  invocation: async () => (await import('./invocation.ts')).runInvocationBench,
  'sidecar-client': async () => (await import('./sidecar-client.ts')).runSidecarClientBench,
  storefront: async () => (await import('./storefront.ts')).runStorefrontBench,
  checkout: async () => (await import('./checkout.ts')).runCheckoutBench,
  operator: async () => (await import('./operator.ts')).runOperatorBench,
  // not in the default set: it needs (or builds) the kind cluster of `npm run cluster`
  cluster: async () => (await import('./cluster.ts')).runClusterBench,
};

function asReport(result: Figures | ScenarioReport): ScenarioReport {
  return 'summary' in result && typeof result.summary === 'object'
    ? (result as ScenarioReport)
    : { summary: result as Figures };
}

function gitRev(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services', 'components', 'tests/bench'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${rev}+changes` : rev;
  } catch {
    return 'unknown';
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in scenarios));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const startedAt = new Date();
const results: Record<string, ScenarioReport | { error: string }> = {};
let failed = false;
for (const name of wanted.length ? wanted : Object.keys(scenarios).filter((s) => s !== 'cluster')) {
  console.log(`\n=== ${name} ===`);
  try {
    const run = await (scenarios[name] as () => Promise<Scenario>)();
    const report = asReport(await run());
    results[name] = report;
    console.table(report.summary);
    if (report.cpuPerOp) {
      console.log(`${name}: CPU ms per operation, by process`);
      const byProcess: Record<string, Record<string, number>> = {};
      for (const [measurement, cpu] of Object.entries(report.cpuPerOp)) {
        for (const [proc, ms] of Object.entries(cpu)) (byProcess[proc] ??= {})[measurement] = ms;
      }
      console.table(byProcess);
    }
  } catch (err) {
    failed = true;
    results[name] = { error: (err as Error).message };
    console.error(`${name} failed: ${(err as Error).message}`);
  }
}
const dir = resolve(import.meta.dirname, '../../.bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
const load = (await import('node:os')).loadavg();
writeFileSync(
  file,
  `${JSON.stringify({ startedAt: startedAt.toISOString(), rev: gitRev(), loadavg: load, scenarios: results }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
process.exit(failed ? 1 : 0);
