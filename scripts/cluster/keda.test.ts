import { describe, expect, it } from 'vitest';
import { kedaObjects } from './keda.ts';

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { verbs: string[] }[];
  subjects?: { name: string; namespace: string }[];
  spec?: { template?: { metadata: { labels: Record<string, string> }; spec: { containers: { args: string[] }[] } } };
}

describe('KEDA on kind', () => {
  const objects = kedaObjects({
    operator: 'shopstack.local/keda:v2.21.1',
    adapter: 'shopstack.local/keda-adapter:v2.21.1',
  }) as Obj[];
  const deployment = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);

  it("labels its operator's pods as the shop's NetworkPolicy to Redis selects them (cdk8s/src/keda.ts)", () => {
    expect(deployment('keda-operator')?.spec?.template?.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'keda-operator',
    });
  });

  it('runs without admission webhooks, and the autoscaler may only read its external metrics', () => {
    expect(deployment('keda-operator')?.spec?.template?.spec.containers[0]?.args).toContain(
      '--enable-webhook-patching=false',
    );
    const reader = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'keda-external-metrics-reader');
    expect(new Set(reader?.rules?.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
    const binding = objects.find((o) => o.metadata.name === 'keda-hpa-controller-external-metrics');
    expect(binding?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' },
    ]);
  });
});
