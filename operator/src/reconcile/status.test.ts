import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { computeStatus, workloadStatus } from './status.ts';

const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'demo-orders' },
  spec: { replicas: 2 },
};
const live = (status: Record<string, number>, generation = 3): KubeObject => ({
  ...desired,
  metadata: { name: 'demo-orders', generation },
  status,
});

describe('workloadStatus', () => {
  it('when every replica is updated, ready and available for the current generation, the workload is ready', () => {
    expect(
      workloadStatus(
        desired,
        live({ observedGeneration: 3, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      ),
    ).toEqual({ replicas: 2, readyReplicas: 2, ready: true });
  });

  it('when the controller has not seen the latest generation yet, it is not ready', () => {
    expect(
      workloadStatus(
        desired,
        live({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      ).ready,
    ).toBe(false);
  });

  it('when the workload does not exist yet, it is not ready', () => {
    expect(workloadStatus(desired, undefined)).toEqual({ replicas: 2, readyReplicas: 0, ready: false });
  });
});

describe('computeStatus', () => {
  const base = { generation: 4, version: '1.2.3', previous: undefined, now: '2026-01-01T00:00:00Z' };

  it('when all workloads are ready, Ready is True and the version is reported', () => {
    // WHEN
    const status = computeStatus({ ...base, workloads: { orders: { replicas: 1, readyReplicas: 1, ready: true } } });

    // THEN
    expect(status).toMatchObject({ observedGeneration: 4, version: '1.2.3', readyServices: '1/1' });
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'AllWorkloadsReady'],
      ['Progressing', 'False', 'RolloutComplete'],
      ['Degraded', 'False', 'AsExpected'],
    ]);
  });

  it('when a workload is not ready, Progressing names it', () => {
    // WHEN
    const status = computeStatus({
      ...base,
      workloads: {
        orders: { replicas: 1, readyReplicas: 1, ready: true },
        payments: { replicas: 2, readyReplicas: 1, ready: false },
      },
    });

    // THEN
    expect(status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      message: 'waiting for payments',
    });
    expect(status.version).toBeUndefined();
  });

  it('when there is a problem, Degraded carries its reason and Ready is False', () => {
    // WHEN
    const status = computeStatus({
      ...base,
      workloads: undefined,
      problem: { reason: 'InvalidSpec', message: 'spec.x: bad' },
    });

    // THEN
    expect(status.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
    });
  });

  it('when nothing changed, the status is identical, transition times included', () => {
    // GIVEN
    const workloads = { orders: { replicas: 1, readyReplicas: 1, ready: true } };
    const first = computeStatus({ ...base, workloads });

    // WHEN
    const second = computeStatus({ ...base, workloads, previous: first, now: '2026-01-01T01:00:00Z' });

    // THEN
    expect(second).toEqual(first);
  });
});

describe('computeStatus with symptoms', () => {
  const base = {
    generation: 1,
    version: '1.0.0',
    previous: undefined,
    workloads: { orders: { replicas: 1, readyReplicas: 1, ready: true } },
    now: '2026-12-06T12:00:00Z',
  };

  it('a symptom makes it Degraded with its reason and message, and leaves Ready to the workloads', () => {
    const symptom = { reason: 'PodsUnschedulable', subject: 'orders', message: 'orders: Insufficient cpu' };
    const status = computeStatus({ ...base, symptoms: [symptom] });
    const find = (type: string) => status.conditions?.find((c) => c.type === type);
    expect(find('Degraded')).toMatchObject({ status: 'True', reason: 'PodsUnschedulable', message: symptom.message });
    expect(find('Ready')).toMatchObject({ status: 'True' });
  });

  it('without symptoms it is not Degraded', () => {
    const status = computeStatus({ ...base, symptoms: [] });
    expect(status.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'False',
      reason: 'AsExpected',
    });
  });
});

describe('computeStatus during an upgrade and an outage', () => {
  const now = '2026-01-01T00:00:00Z';
  const running = computeStatus({
    generation: 1,
    version: '0.1.0',
    previous: undefined,
    now,
    workloads: { postgres: { replicas: 1, readyReplicas: 1, ready: true } },
  });
  const find = (status: ReturnType<typeof computeStatus>, type: string) =>
    status.conditions?.find((c) => c.type === type);

  it('names the from and to versions and the services rolled so far, and keeps the running version', () => {
    // WHEN gateway rolled, orders not yet
    const status = computeStatus({
      generation: 2,
      version: '0.1.1',
      previous: running,
      now,
      workloads: {
        postgres: { replicas: 1, readyReplicas: 1, ready: true },
        gateway: { replicas: 1, readyReplicas: 1, ready: true },
        orders: { replicas: 1, readyReplicas: 1, ready: false },
      },
    });

    // THEN
    expect(status.version).toBe('0.1.0');
    expect(find(status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'Upgrading',
      message: 'upgrading from 0.1.0 to 0.1.1: rolled gateway (1 of 2 services); waiting for orders',
    });
    expect(find(status, 'Ready')).toMatchObject({ status: 'False', reason: 'Upgrading' });
  });

  it('is Ready with the new version only when every service runs it', () => {
    const status = computeStatus({
      generation: 2,
      version: '0.1.1',
      previous: running,
      now,
      workloads: { gateway: { replicas: 1, readyReplicas: 1, ready: true } },
    });
    expect(status.version).toBe('0.1.1');
    expect(find(status, 'Ready')).toMatchObject({ status: 'True', message: 'version 0.1.1 is running' });
  });

  it('says DatabaseUnavailable while the managed Postgres is not ready', () => {
    const status = computeStatus({
      generation: 1,
      version: '0.1.0',
      previous: running,
      now,
      workloads: {
        postgres: { replicas: 1, readyReplicas: 0, ready: false },
        orders: { replicas: 1, readyReplicas: 0, ready: false },
      },
    });
    expect(find(status, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'DatabaseUnavailable',
      message: 'postgres is not ready (0/1 replicas)',
    });
  });
});

describe('workloadStatus of a Deployment whose old pods still run', () => {
  it('is not ready until the old replicas are gone', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 1 },
    };
    const live = (replicas: number): KubeObject => ({
      ...deployment,
      metadata: { name: 'x', generation: 2 },
      status: {
        observedGeneration: 2,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: 1,
        availableReplicas: replicas,
      },
    });
    expect(workloadStatus(deployment, live(2)).ready).toBe(false);
    expect(workloadStatus(deployment, live(1)).ready).toBe(true);
  });
});
