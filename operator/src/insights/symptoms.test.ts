import { describe, expect, it } from 'vitest';
import { dataStoreGraceMs, type PodView, podSymptoms, unschedulableResources } from './symptoms.ts';

const now = new Date('2026-12-06T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

function pod(name: string, workload: string, component: string, extra: Partial<PodView> = {}): PodView {
  return {
    metadata: {
      name,
      labels: { 'app.kubernetes.io/name': workload, 'app.kubernetes.io/component': component },
      creationTimestamp: ago(600_000),
    },
    spec: { containers: component === 'app' ? [{ name: workload }, { name: 'daprd' }] : [{ name: workload }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    ...extra,
  };
}

const pending = (message: string): PodView['status'] => ({
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
});

describe('podSymptoms', () => {
  it('finds nothing wrong with running, ready pods that have their sidecar', () => {
    expect(podSymptoms([pod('catalog-1', 'catalog', 'app'), pod('postgres-0', 'postgres', 'database')], now)).toEqual(
      [],
    );
  });

  it('names the resource of pods that cannot be scheduled, one symptom per workload', () => {
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.';
    const symptoms = podSymptoms(
      [
        pod('orders-a', 'orders', 'app', { status: pending(message) }),
        pod('orders-b', 'orders', 'app', { status: pending(message) }),
        pod('catalog-a', 'catalog', 'app'),
      ],
      now,
    );
    expect(symptoms).toHaveLength(1);
    expect(symptoms[0]).toMatchObject({ reason: 'PodsUnschedulable', subject: 'orders' });
    expect(symptoms[0]?.message).toContain('orders-a, orders-b');
    expect(symptoms[0]?.message).toContain('Insufficient cpu');
    expect(symptoms[0]?.message).toContain('resource requests');
  });

  it('reads every insufficient resource, once each', () => {
    expect(
      unschedulableResources('0/3 nodes are available: 2 Insufficient memory, 3 Insufficient cpu, 1 Insufficient cpu.'),
    ).toEqual(['cpu', 'memory']);
    expect(unschedulableResources("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.")).toEqual([]);
  });

  it('quotes the scheduler when no resource is short (a taint, an affinity)', () => {
    const message = '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: x}.';
    const [symptom] = podSymptoms([pod('cart-a', 'cart', 'app', { status: pending(message) })], now);
    expect(symptom?.message).toContain('untolerated taint');
  });

  it('reports a crash-looping container with the command that shows why', () => {
    const crashing = pod('payments-a', 'payments', 'app', {
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'payments', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          { name: 'daprd', restartCount: 0, state: {} },
        ],
      },
    });
    const [symptom] = podSymptoms([crashing], now);
    expect(symptom).toMatchObject({ reason: 'CrashLooping', subject: 'payments' });
    expect(symptom?.message).toContain('7 restarts');
    expect(symptom?.message).toContain('kubectl logs --previous payments-a -c payments');
  });

  it('reports a service pod without its daprd sidecar, but not Postgres or Redis', () => {
    const bare = pod('cart-a', 'cart', 'app', { spec: { containers: [{ name: 'cart' }] } });
    const symptoms = podSymptoms([bare, pod('redis-0', 'redis', 'cache')], now);
    expect(symptoms.map((s) => [s.reason, s.subject])).toEqual([['SidecarMissing', 'cart']]);
  });

  it('reports a data store unready past its grace time, not during it', () => {
    const unready = (since: number): PodView =>
      pod('postgres-0', 'postgres', 'database', {
        status: {
          phase: 'Running',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              lastTransitionTime: ago(since),
              message: 'containers with unready status',
            },
          ],
        },
      });
    expect(podSymptoms([unready(dataStoreGraceMs - 1000)], now)).toEqual([]);
    const [symptom] = podSymptoms([unready(dataStoreGraceMs + 1000)], now);
    expect(symptom).toMatchObject({ reason: 'DataStoreNotReady', subject: 'postgres' });
  });

  it('ignores pods being deleted and finished ones', () => {
    const gone = pod('cart-a', 'cart', 'app', {
      spec: { containers: [{ name: 'cart' }] },
    });
    const deleting = { ...gone, metadata: { ...gone.metadata, deletionTimestamp: ago(1000) } };
    expect(podSymptoms([deleting], now)).toEqual([]);
  });
});
