// Tilt for the dev loop (Tiltfile): the user's `tilt` on PATH, else the pinned one built from its Go module.
import { join } from 'node:path';
import { cacheDir, findBinary, pathDirs, runBuildScript, versions } from './runtimes.ts';

const cached = (): string => join(cacheDir, `tilt-${versions.TILT_VERSION}`, 'bin');

/** `tilt` from PATH or the cache, or undefined. */
export function findTilt(): string | undefined {
  return findBinary('tilt', [...pathDirs(), cached()]);
}

/** `tilt` from PATH or the cache; builds it with scripts/runtimes/build-tilt.sh when missing. */
export async function ensureTilt(log: (line: string) => void = console.error): Promise<string> {
  const found = findTilt();
  if (found) return found;
  log(`tilt ${versions.TILT_VERSION} is not on PATH or cached; building it from its Go module (~10 minutes once)`);
  await runBuildScript('build-tilt.sh');
  const built = findBinary('tilt', [cached()]);
  if (!built) throw new Error(`build-tilt.sh succeeded but left no tilt in ${cached()}`);
  return built;
}
