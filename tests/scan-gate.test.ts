// The scan gate: kube-score and `trivy config` (offline, embedded checks) over both example shops as the
// operator renders them, the operator chart as `helm template` renders it, and every Dockerfile. A
// finding that security/scan-exceptions.yaml does not list fails, and so does an exception that no
// longer matches anything. `npm run scan` prints the same findings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinary, helmRecipe, kubeScoreRecipe, trivyRecipe } from '../scripts/runtimes/binaries.ts';
import { describeFinding, gate, readExceptions, type ScanException } from '../scripts/scan/exceptions.ts';
import { type ScanInputs, shopExamples, writeScanInputs } from '../scripts/scan/inputs.ts';
import { type Finding, scan } from '../scripts/scan/scanners.ts';

describe('the scan gate (kube-score and trivy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-scan-'));
  let inputs: ScanInputs;
  let findings: Finding[];
  let exceptions: ScanException[];

  beforeAll(async () => {
    // built by `npm run runtimes` (trivy takes minutes cold); cached by version
    const helm = await ensureBinary(helmRecipe);
    const kubeScore = await ensureBinary(kubeScoreRecipe);
    const trivy = await ensureBinary(trivyRecipe);
    inputs = await writeScanInputs(join(dir, 'in'), helm);
    findings = await scan({ kubeScore, trivy }, { inputs: join(dir, 'in'), trivyCache: join(dir, 'cache') }, inputs);
    exceptions = readExceptions();
  }, 30 * 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scans every workload of both example shops and the chart, and every Dockerfile', () => {
    for (const source of [...Object.keys(shopExamples), 'chart'])
      expect(
        inputs.manifests.filter((file) => file.startsWith(`${source}/Deployment.`)).length,
        source,
      ).toBeGreaterThan(0);
    expect(inputs.dockerfiles).toEqual(
      expect.arrayContaining(['dockerfiles/services/Dockerfile', 'dockerfiles/operator/Dockerfile']),
    );
    expect(findings.some((f) => f.object.startsWith('dockerfiles/'))).toBe(true);
    // both scanners read the inputs: each reports at least the findings we keep from it
    for (const scanner of ['kube-score', 'trivy'] as const)
      expect(findings.filter((f) => f.scanner === scanner).length, scanner).toBeGreaterThan(0);
  });

  it('finds nothing that security/scan-exceptions.yaml does not list', () => {
    expect(gate(findings, exceptions).uncovered.map(describeFinding)).toEqual([]);
  });

  it('keeps no exception that matches no finding', () => {
    expect(gate(findings, exceptions).stale.map((e) => `${e.scanner} ${e.rule} ${e.object}`)).toEqual([]);
  });
});
