import { describe, expect, it } from 'vitest';
import type { BackupPhase } from '../crd/backup.ts';
import { formatSize, lastLine } from './jobs.ts';
import { expiredBackups } from './retention.ts';
import { scheduledBackupName } from './schedule.ts';

const now = new Date('2026-01-10T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const backup = (name: string, phase: BackupPhase | undefined, age: number) => ({ name, phase, created: daysAgo(age) });

describe('backup retention', () => {
  it('keeps the newest `count` of each outcome and deletes the rest', () => {
    const backups = [
      backup('s1', 'Succeeded', 1),
      backup('s2', 'Succeeded', 2),
      backup('s3', 'Succeeded', 3),
      backup('f1', 'Failed', 1.5),
      backup('f2', 'Failed', 2.5),
      backup('f3', 'Failed', 3.5),
    ];
    expect(expiredBackups(backups, { count: 2 }, now).sort()).toEqual(['f3', 's3']);
  });

  it('never deletes a backup that has not finished', () => {
    const backups = [backup('r1', 'Running', 30), backup('p1', undefined, 30), backup('s1', 'Succeeded', 1)];
    expect(expiredBackups(backups, { count: 1, maxAge: '1d' }, now)).toEqual([]);
  });

  it('deletes backups older than maxAge, but never the newest that succeeded', () => {
    const backups = [
      backup('s1', 'Succeeded', 10),
      backup('s2', 'Succeeded', 12),
      backup('f1', 'Failed', 0.5),
      backup('f2', 'Failed', 9),
    ];
    expect(expiredBackups(backups, { count: 100, maxAge: '7d' }, now).sort()).toEqual(['f2', 's2']);
  });

  it('failures never push out good backups', () => {
    const backups = [
      backup('f1', 'Failed', 1),
      backup('f2', 'Failed', 2),
      backup('f3', 'Failed', 3),
      backup('s1', 'Succeeded', 4),
    ];
    expect(expiredBackups(backups, { count: 1 }, now).sort()).toEqual(['f2', 'f3']);
  });
});

describe('backup helpers', () => {
  it('names a scheduled backup after its run, to the minute', () => {
    expect(scheduledBackupName('shop', new Date('2026-12-06T03:00:00Z'))).toBe('shop-202612060300');
  });

  it('shows sizes as Kubernetes quantities', () => {
    expect([formatSize(512), formatSize(12_595), formatSize(1_572_864)]).toEqual(['512', '12.3Ki', '1.5Mi']);
  });

  it('keeps the error line of a failed dump log', () => {
    const log =
      'dumped identity (100 bytes)\npg_dump: error: connection to server failed: could not translate host name\n';
    expect(lastLine(log)).toBe('pg_dump: error: connection to server failed: could not translate host name');
  });
});
