// `npm run runtimes`: locates or builds every runtime binary the tests need, with progress output.

import { ensureControlPlaneBinaries } from './kube.ts';
import { ensureDaprBinaries } from './dapr.ts';
import { cacheDir, ensureBinary, helmRecipe, promtoolRecipe } from './binaries.ts';
import { ensureTilt } from './tilt.ts';

const began = Date.now();
try {
  const dapr = await ensureDaprBinaries();
  const controlPlane = await ensureControlPlaneBinaries();
  const helm = await ensureBinary(helmRecipe);
  // the dev loop's Tilt (Tiltfile); scripts/tiltfile.test.ts evaluates the Tiltfile with it
  const tilt = await ensureTilt();
  // tests/alerts.test.ts runs `promtool test rules` over the chart's alerting rules
  const promtool = await ensureBinary(promtoolRecipe);
  console.error(`runtimes ready in ${((Date.now() - began) / 1000).toFixed(0)}s (cache: ${cacheDir})`);
  for (const [name, path] of Object.entries({ ...dapr, ...controlPlane, helm, tilt, promtool }))
    if (typeof path === 'string') console.error(`  ${name.padEnd(16)} ${path}`);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
