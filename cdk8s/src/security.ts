import type {
  V1Affinity,
  V1PodSecurityContext,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';

/** Pod-level hardening: a fixed non-root user so file ownership on volumes is predictable. */
export function podSecurity(uid: number): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container hardening: nothing to escalate to and nothing to write outside mounted volumes. */
export const containerSecurity: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

export interface Scratch {
  readonly volume: V1Volume;
  readonly mount: V1VolumeMount;
  /** The most it may hold, in MiB: beyond it the kubelet evicts the pod rather than fill the node's disk. */
  readonly sizeMi: number;
}

/** A writable scratch directory of at most `sizeMi` MiB; with a read-only root filesystem temp files go here. */
export function scratch(name: string, mountPath: string, sizeMi: number): Scratch {
  return { volume: { name, emptyDir: { sizeLimit: `${sizeMi}Mi` } }, mount: { name, mountPath }, sizeMi };
}

/** Prefer nodes without another pod of `selector`: one node's loss then takes one replica, not all. */
export function spreadAcrossNodes(selector: Record<string, string>): V1Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
        },
      ],
    },
  };
}
