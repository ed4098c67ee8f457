import { ageMs } from '@shopstack/cdk8s';
import type { BackupPhase } from '../crd/backup.ts';

/** What retention needs to know of one scheduled backup. */
export interface BackupRecord {
  readonly name: string;
  readonly phase: BackupPhase | undefined;
  readonly created: Date;
}

export interface Retention {
  readonly count: number;
  readonly maxAge?: string | undefined;
}

const newestFirst = (a: BackupRecord, b: BackupRecord) =>
  b.created.getTime() - a.created.getTime() || b.name.localeCompare(a.name);

/**
 * The scheduled backups retention deletes. Only finished ones count: a backup still running is never
 * deleted. Succeeded and Failed backups are kept separately, `count` of each, newest first, so failures
 * never push good backups out and the latest failures stay visible. `maxAge` also deletes older ones, but
 * never the newest backup that succeeded: a long outage must not leave the shop with none.
 */
export function expiredBackups(backups: readonly BackupRecord[], retention: Retention, now: Date): string[] {
  const maxAgeMs = retention.maxAge === undefined ? Number.POSITIVE_INFINITY : ageMs(retention.maxAge);
  const expired: string[] = [];
  for (const phase of ['Succeeded', 'Failed'] as const) {
    const finished = backups.filter((b) => b.phase === phase).sort(newestFirst);
    finished.forEach((backup, i) => {
      const keepNewest = phase === 'Succeeded' && i === 0;
      const tooMany = i >= retention.count;
      const tooOld = now.getTime() - backup.created.getTime() > maxAgeMs;
      if (!keepNewest && (tooMany || tooOld)) expired.push(backup.name);
    });
  }
  return expired;
}
