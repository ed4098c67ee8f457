import type { KubeObject } from '../kube/object.ts';
import { labelKeys } from '@shopstack/cdk8s';
import type { PodView } from './symptoms.ts';

/**
 * Keeps only what the symptoms read of a cached pod: container names and ports, phase, IP, conditions,
 * container states. A pod's env, volumes and annotations are most of its size, and the operator never reads them.
 */
export function slimPod(obj: KubeObject): void {
  const pod = obj as KubeObject & {
    spec?: { containers?: { name: string; ports?: unknown }[] };
    status?: Record<string, unknown>;
  };
  if (pod.spec) pod.spec = { containers: (pod.spec.containers ?? []).map((c) => ({ name: c.name, ports: c.ports })) };
  delete obj.metadata.annotations;
  const status = pod.status ?? {};
  pod.status = {
    phase: status.phase,
    podIP: status.podIP,
    conditions: status.conditions,
    containerStatuses: (
      status.containerStatuses as { name: string; restartCount?: number; state?: unknown }[] | undefined
    )?.map((c) => ({ name: c.name, restartCount: c.restartCount, state: c.state })),
  };
}

/** The pods of one ShopStack: its namespace, and its name in the instance label. */
export function shopPods(pods: readonly KubeObject[], shop: KubeObject): PodView[] {
  return pods.filter(
    (pod) =>
      pod.metadata.namespace === shop.metadata.namespace &&
      pod.metadata.labels?.[labelKeys.instance] === shop.metadata.name,
  ) as unknown as PodView[];
}
