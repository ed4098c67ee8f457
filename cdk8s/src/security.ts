import type { V1PodSecurityContext, V1SecurityContext, V1Volume, V1VolumeMount } from '@kubernetes/client-node';

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

/** A writable scratch directory; with a read-only root filesystem this is where temp files go. */
export function scratch(name: string, mountPath: string): { volume: V1Volume; mount: V1VolumeMount } {
  return { volume: { name, emptyDir: {} }, mount: { name, mountPath } };
}
