// The Go binaries the static images wrap: Dapr's (scripts/runtimes/build-dapr.sh) and Traefik
// (scripts/runtimes/build-traefik.sh), built from Go modules into ~/.cache/shopstack when missing.

import { ensureBinary, findBinary, runBuildScript, versions } from '../lib/runtimes.ts';

/** Runs build-dapr.sh when any of `names` is missing from `binDir` (it builds only the missing ones). */
export async function ensureCachedDaprBinaries(
  binDir: string,
  names: readonly string[],
  progress: (line: string) => void,
): Promise<void> {
  const missing = names.filter((name) => !findBinary(name, [binDir]));
  if (missing.length === 0) return;
  progress(`images: Dapr ${versions.DAPR_VERSION} ${missing.join(', ')} not built yet; building from Go modules`);
  await runBuildScript('build-dapr.sh');
}

/** The Traefik binary, built by build-traefik.sh when missing (ours only: the image wraps a static build). */
export function ensureTraefikBinary(progress: (line: string) => void): Promise<string> {
  return ensureBinary(
    {
      name: 'traefik',
      folder: `traefik-${versions.TRAEFIK_VERSION}`,
      script: 'build-traefik.sh',
      prefer: 'only-cache',
    },
    progress,
  );
}
