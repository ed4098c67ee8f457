// The Go binaries the static images wrap: Dapr's (scripts/runtimes/build-dapr.sh) and Traefik
// (scripts/runtimes/build-traefik.sh), built from Go modules into ~/.cache/shopstack when missing.

import { join } from 'node:path';
import { cacheDir, findBinary, runBuildScript, versions } from '../lib/runtimes.ts';

/** Runs build-dapr.sh when any of `names` is missing from `binDir` (it builds only the missing ones). */
export async function ensureDaprBinaries(
  binDir: string,
  names: readonly string[],
  progress: (line: string) => void,
): Promise<void> {
  const missing = names.filter((name) => !findBinary(name, [binDir]));
  if (missing.length === 0) return;
  progress(`images: Dapr ${versions.DAPR_VERSION} ${missing.join(', ')} not built yet; building from Go modules`);
  await runBuildScript('build-dapr.sh');
}

/** The Traefik binary, built by build-traefik.sh when missing. */
export async function ensureTraefikBinary(progress: (line: string) => void): Promise<string> {
  const binDir = join(cacheDir, `traefik-${versions.TRAEFIK_VERSION}`, 'bin');
  const found = findBinary('traefik', [binDir]);
  if (found) return found;
  progress(`images: Traefik ${versions.TRAEFIK_VERSION} not built yet; building from Go modules`);
  await runBuildScript('build-traefik.sh');
  const built = findBinary('traefik', [binDir]);
  if (!built) throw new Error(`build-traefik.sh finished but ${binDir}/traefik is missing`);
  return built;
}
