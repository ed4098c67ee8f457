import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Scratch } from './security.ts';
import type { Resources } from './spec.ts';

/** The container log files the kubelet keeps (5 files of 10 MiB by default): ephemeral storage too. */
const logsMi = 64;
/** Ephemeral storage a container is guaranteed: most write only logs, which rotate. */
const ephemeralRequestMi = 32;

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Spec resources as a container's requirements, leaving out what the user left unset, with ephemeral
 * storage derived from what the container writes: its logs and its scratch volumes (size-limited).
 */
export function containerResources(resources: Resources, scratches: readonly Scratch[] = []): V1ResourceRequirements {
  const limitMi = scratches.reduce((sum, s) => sum + s.sizeMi, logsMi);
  return {
    requests: { ...defined(resources.requests), 'ephemeral-storage': `${ephemeralRequestMi}Mi` },
    limits: { ...defined(resources.limits), 'ephemeral-storage': `${limitMi}Mi` },
  };
}

/** daprd's requirements, as the Dapr sidecar injector reads them from the pod's annotations. */
export function sidecarResourceAnnotations({ requests, limits }: Resources): Record<string, string> {
  return defined({
    'dapr.io/sidecar-cpu-request': requests.cpu,
    'dapr.io/sidecar-memory-request': requests.memory,
    'dapr.io/sidecar-cpu-limit': limits.cpu,
    'dapr.io/sidecar-memory-limit': limits.memory,
  });
}
