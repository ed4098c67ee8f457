// `npm run scan`: kube-score and trivy over the rendered shops, the operator chart and the Dockerfiles
// (scripts/scan/), printing every finding and whether security/scan-exceptions.yaml covers it.
// `--all` lists every finding, the covered ones too. tests/scan-gate.test.ts is the same check, in npm test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinary, helmRecipe, kubeScoreRecipe, trivyRecipe } from './runtimes/binaries.ts';
import { covers, describeFinding, exceptionsFile, gate, readExceptions } from './scan/exceptions.ts';
import { writeScanInputs } from './scan/inputs.ts';
import { scan } from './scan/scanners.ts';

const all = process.argv.includes('--all');
const dir = mkdtempSync(join(tmpdir(), 'shopstack-scan-'));
try {
  const [helm, kubeScore, trivy] = [
    await ensureBinary(helmRecipe),
    await ensureBinary(kubeScoreRecipe),
    await ensureBinary(trivyRecipe),
  ];
  const inputs = await writeScanInputs(join(dir, 'in'), helm);
  const findings = await scan(
    { kubeScore, trivy },
    { inputs: join(dir, 'in'), trivyCache: join(dir, 'cache') },
    inputs,
  );
  const exceptions = readExceptions();
  const { uncovered, stale } = gate(findings, exceptions);
  for (const f of findings) {
    const covered = exceptions.some((e) => covers(e, f));
    if (all || !covered) console.log(`${covered ? 'kept ' : 'NEW  '} ${describeFinding(f)}`);
  }
  for (const e of stale) console.log(`STALE ${e.scanner} ${e.rule} ${e.object}: covers no finding`);
  const count = (scanner: string) => findings.filter((f) => f.scanner === scanner).length;
  console.log(
    `${inputs.manifests.length} objects, ${inputs.dockerfiles.length} Dockerfiles; findings: kube-score ${count('kube-score')}, ` +
      `trivy ${count('trivy')}; ${uncovered.length} not in ${exceptionsFile}, ${stale.length} stale exceptions`,
  );
  process.exitCode = uncovered.length || stale.length ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
