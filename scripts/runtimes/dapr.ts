import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, findBinary, pathDirs, runBuildScript, runtimesDir, versions } from './binaries.ts';

export interface DaprBinaries {
  readonly daprd: string;
  readonly sentry: string;
  readonly placement: string;
  readonly scheduler: string;
}

const names = ['daprd', 'sentry', 'placement', 'scheduler'] as const;

/** Where build-dapr.sh puts the Dapr binaries. */
export const daprBinDir = join(cacheDir, `dapr-${versions.DAPR_VERSION}`, 'bin');

/**
 * What our daprd is built from besides the Dapr module: the wrapper and its build-time patch
 * (scripts/runtimes/daprd) and the build script, hashed. The cached daprd is stamped with it.
 */
export function daprdWrapperHash(): string {
  const dir = join(runtimesDir, 'daprd');
  const hash = createHash('sha256');
  const sources = [...readdirSync(dir).map((f) => join(dir, f)), join(runtimesDir, 'build-dapr.sh')];
  for (const file of sources.sort()) hash.update(file.slice(runtimesDir.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

const stampFile = join(daprBinDir, 'daprd.wrapper');

/**
 * Builds whatever of `wanted` is missing from the cache, after removing a cached daprd that was built from
 * other wrapper sources than the current ones (so a changed wrapper reaches every run), and stamps daprd.
 */
export async function buildMissingDaprBinaries(
  wanted: readonly string[],
  log: (line: string) => void = console.error,
): Promise<void> {
  const daprd = join(daprBinDir, 'daprd');
  const hash = daprdWrapperHash();
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  const stale = existsSync(daprd) && stamp !== hash;
  if (stale) rmSync(daprd);
  const missing = wanted.filter((name) => !findBinary(name, [daprBinDir]));
  if (missing.length === 0) return;
  log(
    stale && missing.length === 1
      ? 'daprd: scripts/runtimes/daprd or build-dapr.sh changed since it was built; rebuilding it (seconds on a warm Go cache)'
      : `Dapr ${versions.DAPR_VERSION} ${missing.join(', ')} not built yet; building from Go modules (about 5 minutes once, on two idle cores)`,
  );
  await runBuildScript('build-dapr.sh');
  if (existsSync(daprd)) writeFileSync(stampFile, `${hash}\n`);
}

function locate(): Partial<DaprBinaries> {
  // daprd must be ours: the stock build lacks the sqlite name resolver the local run uses
  const dirs = [daprBinDir, ...pathDirs(), join(homedir(), '.dapr', 'bin')];
  return Object.fromEntries(names.map((n) => [n, findBinary(n, n === 'daprd' ? [daprBinDir] : dirs)]));
}

/** Dapr binaries from the cache, PATH or ~/.dapr/bin; builds them from Go modules when missing. */
export async function ensureDaprBinaries(log: (line: string) => void = console.error): Promise<DaprBinaries> {
  const onPath = locate();
  await buildMissingDaprBinaries(
    names.filter((n) => n === 'daprd' || !onPath[n]),
    log,
  );
  const found = locate();
  const missing = names.filter((n) => !found[n]);
  if (missing.length) throw new Error(`Dapr binaries missing after the build: ${missing.join(', ')}`);
  return found as DaprBinaries;
}
