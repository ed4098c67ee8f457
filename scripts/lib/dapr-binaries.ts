import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, findBinary, pathDirs, runBuildScript, versions } from './runtimes.ts';

export interface DaprBinaries {
  readonly daprd: string;
  readonly sentry: string;
  readonly placement: string;
  readonly scheduler: string;
}

const names = ['daprd', 'sentry', 'placement', 'scheduler'] as const;

function locate(): Partial<DaprBinaries> {
  // daprd must be ours: the stock build lacks the sqlite name resolver the local run uses
  const cached = join(cacheDir, `dapr-${versions.DAPR_VERSION}`, 'bin');
  const dirs = [cached, ...pathDirs(), join(homedir(), '.dapr', 'bin')];
  return Object.fromEntries(names.map((n) => [n, findBinary(n, n === 'daprd' ? [cached] : dirs)]));
}

/** Dapr binaries from the cache, PATH or ~/.dapr/bin; builds them from Go modules when missing. */
export async function ensureDaprBinaries(log: (line: string) => void = console.error): Promise<DaprBinaries> {
  let found = locate();
  if (names.some((n) => !found[n])) {
    log(
      `Dapr ${versions.DAPR_VERSION} binaries are not cached yet; building them from Go modules (10-20 minutes once)`,
    );
    await runBuildScript('build-dapr.sh');
    found = locate();
  }
  const missing = names.filter((n) => !found[n]);
  if (missing.length) throw new Error(`Dapr binaries missing after the build: ${missing.join(', ')}`);
  return found as DaprBinaries;
}
