import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ensureBinary, helmRecipe, promtoolRecipe } from '../scripts/runtimes/binaries.ts';

const root = resolve(import.meta.dirname, '..');
const chart = join(root, 'charts/shopstack-operator');
const rulesFile = join(chart, 'rules/shopstack.rules.yaml');
const testsFile = join(root, 'tests/alerts/shopstack.rules.test.yaml');
const run = promisify(execFile);

/** Runs promtool; its output whether it passes or fails. */
async function promtool(binary: string, ...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(binary, args);
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the alerting rules (charts/shopstack-operator/rules)', () => {
  let binary: string;
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-alerts-'));

  beforeAll(async () => {
    binary = await ensureBinary(promtoolRecipe);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are valid rules', async () => {
    const result = await promtool(binary, 'check', 'rules', rulesFile);
    expect(result.output).toContain('SUCCESS: 7 rules found');
    expect(result.ok).toBe(true);
  });

  it('fire on the series of each symptom and stay quiet on healthy ones (promtool test rules)', async () => {
    const result = await promtool(binary, 'test', 'rules', testsFile);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('every alert has a test, and the tests fail when a rule stops firing', async () => {
    const rules = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    const tests = parse(readFileSync(testsFile, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const tested = new Set(
      tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    expect([...tested].sort()).toEqual([...alerts].sort());

    // the same tests over rules whose thresholds can never be met must fail, naming each alert
    for (const group of rules.groups) for (const rule of group.rules) rule.expr = `(${rule.expr}) and vector(0) > 1`;
    cpSync(testsFile, join(dir, 'tests.yaml'));
    writeFileSync(join(dir, 'rules.yaml'), JSON.stringify(rules));
    const tests2 = readFileSync(join(dir, 'tests.yaml'), 'utf8').replace(
      '../../charts/shopstack-operator/rules/shopstack.rules.yaml',
      'rules.yaml',
    );
    writeFileSync(join(dir, 'tests.yaml'), tests2);
    const broken = await promtool(binary, 'test', 'rules', join(dir, 'tests.yaml'));
    expect(broken.ok).toBe(false);
    for (const alert of alerts) expect(broken.output).toContain(`alertname: ${alert}`);
  });

  it('ship in the chart as a PrometheusRule only where monitoring.coreos.com/v1 is served', async () => {
    const helm = await ensureBinary(helmRecipe);
    const render = async (...args: string[]) =>
      parseAllDocuments((await run(helm, ['template', 'demo', chart, ...args])).stdout)
        .map((d) => d.toJS())
        .filter((o) => o?.kind === 'PrometheusRule');
    expect(await render()).toEqual([]);
    const [rule] = await render('--api-versions', 'monitoring.coreos.com/v1/PrometheusRule');
    expect(rule.spec).toEqual(parse(readFileSync(rulesFile, 'utf8')));
    expect(
      await render('--api-versions', 'monitoring.coreos.com/v1/PrometheusRule', '--set', 'alertRules.enabled=false'),
    ).toEqual([]);
  });
});
