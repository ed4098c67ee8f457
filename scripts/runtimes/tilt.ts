// Tilt for the dev loop (Tiltfile): the user's `tilt` on PATH, else the pinned one built from its Go module.
import { ensureBinary, versions } from './binaries.ts';

/** `tilt` from PATH or the cache; builds it with scripts/runtimes/build-tilt.sh when missing. */
export function ensureTilt(log: (line: string) => void = console.error): Promise<string> {
  return ensureBinary(
    { name: 'tilt', folder: `tilt-${versions.TILT_VERSION}`, script: 'build-tilt.sh', prefer: 'path' },
    log,
  );
}
