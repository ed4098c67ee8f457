import { describe, expect, it } from 'vitest';
import { kubeRouterObjects } from './network-policy.ts';

interface Obj {
  kind: string;
  rules?: { verbs: string[] }[];
  spec?: { template: { spec: { hostNetwork: boolean; containers: { securityContext: object }[] } } };
}

describe("kube-router's firewall on kind", () => {
  const objects = kubeRouterObjects('shopstack.local/kube-router:v2.1.0') as Obj[];

  it('may only read the cluster: no verb that writes', () => {
    const role = objects.find((o) => o.kind === 'ClusterRole');
    expect(new Set(role?.rules?.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
  });

  it("runs unprivileged on the node's network, with NET_ADMIN and NET_RAW only", () => {
    const pod = objects.find((o) => o.kind === 'DaemonSet')?.spec?.template.spec;
    expect(pod?.hostNetwork).toBe(true);
    expect(pod?.containers[0]?.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
    });
  });
});
