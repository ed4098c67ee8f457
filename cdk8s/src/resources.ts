import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Resources } from './spec.ts';

function defined(values: { cpu?: string | undefined; memory?: string | undefined }): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Spec resources as a container's requirements, leaving out what the user left unset. */
export function containerResources(resources: Resources): V1ResourceRequirements {
  return { requests: defined(resources.requests), limits: defined(resources.limits) };
}
