// kind's node image kindest/node:<KUBERNETES_VERSION>: present, pulled, loaded from our cache, or built here.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, runBuildScript, versions } from '../runtimes/binaries.ts';
import type { Progress } from './docker-engine.ts';
import { exec, execStreaming } from './exec.ts';

export const nodeImage = `kindest/node:${versions.KUBERNETES_VERSION}`;
const archive = join(
  cacheDir,
  `kind-node-${versions.KUBERNETES_VERSION}`,
  `kindest-node-${versions.KUBERNETES_VERSION}.tar.zst`,
);
/** The label our own node images carry (scripts/runtimes/kind-node/Dockerfile). */
const bridgeCniLabel = 'io.shopstack.kind-node.cni';

async function imagePresent(image: string): Promise<boolean> {
  return (await exec('docker', ['image', 'inspect', image], { timeoutMs: 30_000 })).code === 0;
}

/** Docker Hub answers its registry API (401 without a token) within a few seconds. */
async function dockerHubReachable(): Promise<boolean> {
  try {
    const response = await fetch('https://registry-1.docker.io/v2/', { signal: AbortSignal.timeout(5_000) });
    return response.status === 401 || response.ok;
  } catch {
    return false;
  }
}

/** `zstd -dc <archive> | docker load`: docker load reads no zstd itself. */
function loadArchive(): Promise<void> {
  return new Promise((resolve, reject) => {
    const unzstd = spawn('zstd', ['-dc', archive], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load', '-q'], { stdio: ['pipe', 'ignore', 'inherit'] });
    unzstd.stdout.pipe(load.stdin);
    unzstd.once('error', (err) => reject(new Error(`cannot run zstd to read ${archive}: ${err.message}`)));
    load.once('error', (err) => reject(new Error(`cannot run docker load: ${err.message}`)));
    load.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker load < ${archive} failed`))));
  });
}

/**
 * Makes kindest/node:<KUBERNETES_VERSION> available to Docker: already there; else pulled from Docker Hub
 * when it answers; else loaded from ~/.cache/shopstack/kind-node-<version>/; else built with
 * scripts/runtimes/build-kind-node.sh (about 6.5 minutes cold on two idle cores) and loaded. Returns the
 * image name.
 */
export async function ensureNodeImage(progress: Progress): Promise<string> {
  if (await imagePresent(nodeImage)) return nodeImage;
  if (await dockerHubReachable()) {
    progress(`kind: pulling ${nodeImage}`);
    try {
      await execStreaming('docker', ['pull', '-q', nodeImage], progress);
      return nodeImage;
    } catch (err) {
      progress(`kind: pulling ${nodeImage} failed (${(err as Error).message}); using a local build`);
    }
  }
  if (!existsSync(archive)) {
    progress(`kind: ${nodeImage} is neither local nor pullable; building it (scripts/runtimes/build-kind-node.sh)`);
    await runBuildScript('build-kind-node.sh');
  }
  if (!(await imagePresent(nodeImage))) {
    progress(`kind: loading ${nodeImage} from ${archive}`);
    await loadArchive();
  }
  if (!(await imagePresent(nodeImage))) throw new Error(`${archive} did not hold ${nodeImage}`);
  return nodeImage;
}

/** Whether the image carries our static bridge CNI config, so kind's default CNI may stay disabled. */
export async function hasBridgeCni(image: string): Promise<boolean> {
  const result = await exec('docker', [
    'image',
    'inspect',
    '-f',
    `{{index .Config.Labels "${bridgeCniLabel}"}}`,
    image,
  ]);
  return result.code === 0 && result.stdout.trim() === 'bridge';
}
