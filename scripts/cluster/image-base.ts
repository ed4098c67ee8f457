// Which base images the shop's images build on: upstream (Docker Hub) where it answers, else local ones.

import { imageExists } from './image-docker.ts';

export interface BaseChoice {
  readonly kind: 'upstream' | 'local';
  /** BASE_IMAGE of services/Dockerfile and operator/Dockerfile: Debian with node 24 and npm on PATH. */
  readonly node: string;
  /** DEBIAN_IMAGE of the Postgres, Redis and Node images. */
  readonly debian: string;
}

export const upstreamBase: BaseChoice = {
  kind: 'upstream',
  node: 'node:24-bookworm-slim',
  debian: 'debian:bookworm-slim',
};
export const localBase: BaseChoice = {
  kind: 'local',
  node: 'shopstack.local/node:24',
  debian: 'shopstack/debian:bookworm',
};

const probeTimeoutMs = 3_000;

/** True when Docker Hub's registry API answers (any status, as long as it is the registry speaking). */
async function dockerHubAnswers(): Promise<boolean> {
  try {
    const res = await fetch('https://registry-1.docker.io/v2/', { signal: AbortSignal.timeout(probeTimeoutMs) });
    // a proxy that refuses the host also answers; only the registry sends this header
    return res.headers.has('docker-distribution-api-version');
  } catch {
    return false;
  }
}

/**
 * SHOPSTACK_IMAGE_BASE=upstream|local decides; otherwise upstream when its Node image is already here or
 * Docker Hub answers within 3 s.
 */
export async function chooseBase(progress: (line: string) => void): Promise<BaseChoice> {
  const forced = process.env.SHOPSTACK_IMAGE_BASE;
  if (forced === 'upstream' || forced === 'local') {
    progress(`images: ${forced} base images (SHOPSTACK_IMAGE_BASE)`);
    return forced === 'upstream' ? upstreamBase : localBase;
  }
  if (forced) throw new Error(`SHOPSTACK_IMAGE_BASE=${forced}: expected "upstream" or "local"`);
  if ((await imageExists(upstreamBase.node)) || (await dockerHubAnswers())) {
    progress(`images: upstream base images (${upstreamBase.node}, ${upstreamBase.debian})`);
    return upstreamBase;
  }
  progress(`images: Docker Hub does not answer; local base images (${localBase.node}, ${localBase.debian})`);
  return localBase;
}
