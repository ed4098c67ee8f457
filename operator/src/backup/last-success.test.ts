import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object.ts';
import { lastBackupSuccess } from './last-success.ts';

const shop = (name: string, backup: object | undefined, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'shopstack.io/v1alpha1',
  kind: 'ShopStack',
  metadata: { name, namespace: 'shop', ...extra },
  spec: { ...(backup && { backup }) },
});
const backup = (name: string, shopStack: string, status: object): KubeObject => ({
  apiVersion: 'shopstack.io/v1alpha1',
  kind: 'ShopStackBackup',
  metadata: { name, namespace: 'shop', creationTimestamp: '2026-12-01T00:00:00Z' },
  spec: { shopStack },
  status,
});
const daily = { schedule: '0 3 * * *' };
const at = (time: string) => Date.parse(time) / 1000;

describe('lastBackupSuccess', () => {
  it('gives each scheduled shop the completion of its newest succeeded backup, whatever failed since', () => {
    const samples = lastBackupSuccess(
      [shop('demo', daily), shop('other', daily)],
      [
        backup('demo-1', 'demo', { phase: 'Succeeded', completionTime: '2026-12-05T03:01:10Z' }),
        backup('demo-2', 'demo', { phase: 'Succeeded', completionTime: '2026-12-06T03:01:00Z' }),
        backup('demo-3', 'demo', { phase: 'Failed', completionTime: '2026-12-07T03:00:30Z', reason: 'DumpFailed' }),
        backup('demo-4', 'demo', { phase: 'Running', startTime: '2026-12-08T03:00:00Z' }),
        backup('other-1', 'other', { phase: 'Succeeded', completionTime: '2026-12-04T03:00:00Z' }),
      ],
    );
    expect(samples).toEqual([
      { namespace: 'shop', shopstack: 'demo', seconds: at('2026-12-06T03:01:00Z') },
      { namespace: 'shop', shopstack: 'other', seconds: at('2026-12-04T03:00:00Z') },
    ]);
  });

  it('gives 0 to a shop whose backups have all failed, and nothing to one with no finished backup yet', () => {
    const samples = lastBackupSuccess(
      [shop('broken', daily), shop('fresh', daily)],
      [
        backup('broken-1', 'broken', { phase: 'Failed', reason: 'DumpFailed' }),
        backup('fresh-1', 'fresh', { phase: 'Pending' }),
      ],
    );
    expect(samples).toEqual([{ namespace: 'shop', shopstack: 'broken', seconds: 0 }]);
  });

  it('leaves out shops without a schedule, with a suspended one, or being deleted, and backups of no shop', () => {
    const succeeded = { phase: 'Succeeded', completionTime: '2026-12-06T03:01:00Z' };
    const samples = lastBackupSuccess(
      [
        shop('on-demand', undefined),
        shop('paused', { ...daily, suspend: true }),
        shop('leaving', daily, { deletionTimestamp: '2026-12-06T04:00:00Z' }),
      ],
      [
        backup('a', 'on-demand', succeeded),
        backup('b', 'paused', succeeded),
        backup('c', 'leaving', succeeded),
        backup('d', 'gone', succeeded),
      ],
    );
    expect(samples).toEqual([]);
  });

  it('falls back to the start, then the creation, of a succeeded backup without a completion time', () => {
    const samples = lastBackupSuccess(
      [shop('demo', daily)],
      [backup('demo-1', 'demo', { phase: 'Succeeded', startTime: 'not a time' })],
    );
    expect(samples).toEqual([{ namespace: 'shop', shopstack: 'demo', seconds: at('2026-12-01T00:00:00Z') }]);
  });
});
