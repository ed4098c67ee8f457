// `npm run runtimes`: locates or builds every runtime binary the tests need, with progress output.

import { ensureControlPlaneBinaries } from './kube.ts';
import { ensureDaprBinaries } from './dapr.ts';
import { cacheDir, ensureBinary, helmRecipe, kubeScoreRecipe, promtoolRecipe, trivyRecipe } from './binaries.ts';
import { ensureTilt } from './tilt.ts';

const began = Date.now();
try {
  const dapr = await ensureDaprBinaries();
  const controlPlane = await ensureControlPlaneBinaries();
  const helm = await ensureBinary(helmRecipe);
  // the dev loop's Tilt (Tiltfile); scripts/tiltfile.test.ts evaluates the Tiltfile with it
  const tilt = await ensureTilt();
  // the manifest scanners of the scan gate (tests/scan-gate.test.ts)
  const kubeScore = await ensureBinary(kubeScoreRecipe);
  const trivy = await ensureBinary(trivyRecipe);
  // tests/alerts.test.ts runs `promtool test rules` over the chart's alerting rules
  const promtool = await ensureBinary(promtoolRecipe);
  console.error(`runtimes ready in ${((Date.now() - began) / 1000).toFixed(0)}s (cache: ${cacheDir})`);
  for (const [name, path] of Object.entries({
    ...dapr,
    ...controlPlane,
    helm,
    tilt,
    'kube-score': kubeScore,
    trivy,
    promtool,
  }))
    if (typeof path === 'string') console.error(`  ${name.padEnd(16)} ${path}`);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
