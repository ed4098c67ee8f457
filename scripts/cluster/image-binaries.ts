// The Traefik binary the ingress image wraps (scripts/runtimes/build-traefik.sh), built from its Go module
// into ~/.cache/shopstack when missing. The Dapr binaries come from lib/dapr-binaries.ts.

import { ensureBinary, versions } from '../runtimes/binaries.ts';

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

/** kube-router, built by build-kube-router.sh when missing (the image wraps our static build). */
export function ensureKubeRouterBinary(progress: (line: string) => void): Promise<string> {
  return ensureBinary(
    {
      name: 'kube-router',
      folder: `kube-router-${versions.KUBE_ROUTER_VERSION}`,
      script: 'build-kube-router.sh',
      prefer: 'only-cache',
    },
    progress,
  );
}

/** metrics-server, built by build-metrics-server.sh when missing (the image wraps our static build). */
export function ensureMetricsServerBinary(progress: (line: string) => void): Promise<string> {
  return ensureBinary(
    {
      name: 'metrics-server',
      folder: `metrics-server-${versions.METRICS_SERVER_VERSION}`,
      script: 'build-metrics-server.sh',
      prefer: 'only-cache',
    },
    progress,
  );
}

/** KEDA's operator or its metrics API server: build-keda.sh builds both (and keeps its CRDs) when missing. */
export function ensureKedaBinary(name: 'keda' | 'keda-adapter', progress: (line: string) => void): Promise<string> {
  return ensureBinary(
    { name, folder: `keda-${versions.KEDA_VERSION}`, script: 'build-keda.sh', prefer: 'only-cache' },
    progress,
  );
}
