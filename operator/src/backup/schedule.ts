import { type BackupPolicy, dueRun, labelKeys, nextRun } from '@shopstack/cdk8s';
import type { Logger } from 'pino';
import type { BackupPhase } from '../crd/backup.ts';
import type { BackupScheduleStatus } from '../crd/status.ts';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';
import type { EventRecorder } from '../reconcile/events.ts';
import type { Informer } from '../watch/informer.ts';
import { expiredBackups } from './retention.ts';

export interface ScheduleDeps {
  readonly client: KubeClient;
  readonly backups: Informer;
  readonly events: EventRecorder;
  readonly log: Logger;
}

/** Marks the backups the schedule created: only those are subject to retention. */
export const scheduledLabel = 'shopstack.io/scheduled';

const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `<shop>-<yyyymmddhhmm>`: one name per scheduled run, so a run is created at most once. */
export function scheduledBackupName(shop: string, run: Date): string {
  return `${shop}-${run.toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}

export interface ScheduleResult {
  readonly status: BackupScheduleStatus | undefined;
  /** When to look again: the next run. */
  readonly requeueAfterMs?: number;
}

/**
 * Creates the ShopStackBackup of the latest run that is due and not taken yet (missed runs are not caught
 * up: one backup, the latest), then says when the next run is. A failed run changes nothing here: the
 * next run is created on time all the same.
 */
export async function runSchedule(
  deps: ScheduleDeps,
  shop: KubeObject,
  policy: BackupPolicy | undefined,
  previous: BackupScheduleStatus | undefined,
  now: Date,
): Promise<ScheduleResult> {
  if (!policy?.schedule || policy.suspend) {
    return { status: previous?.lastScheduleTime ? { lastScheduleTime: previous.lastScheduleTime } : undefined };
  }
  const { name, namespace } = shop.metadata;
  const after = new Date(previous?.lastScheduleTime ?? shop.metadata.creationTimestamp ?? now.toISOString());
  const due = dueRun(policy.schedule, after, now);
  let lastScheduleTime = previous?.lastScheduleTime;
  if (due) {
    const backup: KubeObject = {
      apiVersion: shop.apiVersion,
      kind: 'ShopStackBackup',
      metadata: {
        name: scheduledBackupName(name, due),
        namespace,
        labels: { [labelKeys.instance]: name, [scheduledLabel]: 'true' },
      },
      spec: { shopStack: name },
    };
    try {
      deps.backups.remember(await deps.client.create(backup));
      deps.log.info({ shopstack: `${namespace}/${name}`, backup: backup.metadata.name }, 'scheduled backup created');
      deps.events.record(shop, {
        type: 'Normal',
        reason: 'BackupScheduled',
        action: 'Backup',
        note: `created ShopStackBackup ${backup.metadata.name} for the run of ${seconds(due)}`,
      });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    lastScheduleTime = seconds(due);
  }
  const next = nextRun(policy.schedule, now);
  return {
    status: { ...(lastScheduleTime && { lastScheduleTime }), nextScheduleTime: seconds(next) },
    requeueAfterMs: Math.max(next.getTime() - now.getTime(), 0) + 500,
  };
}

/** Deletes the scheduled backups of `shop` that its retention no longer keeps; garbage collection takes their volumes. */
export async function applyRetention(
  deps: ScheduleDeps,
  shop: KubeObject,
  policy: BackupPolicy | undefined,
  now: Date,
): Promise<string[]> {
  if (!policy) return [];
  const { name, namespace } = shop.metadata;
  const mine = deps.backups
    .list()
    .filter(
      (b) =>
        b.metadata.namespace === namespace &&
        b.metadata.labels?.[scheduledLabel] === 'true' &&
        (b.spec as { shopStack?: string } | undefined)?.shopStack === name &&
        !b.metadata.deletionTimestamp,
    );
  const expired = expiredBackups(
    mine.map((b) => ({
      name: b.metadata.name,
      phase: (b.status as { phase?: BackupPhase } | undefined)?.phase,
      created: new Date(b.metadata.creationTimestamp ?? now.toISOString()),
    })),
    policy.retention,
    now,
  );
  for (const backup of expired) {
    try {
      await deps.client.delete('ShopStackBackup', namespace, backup);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
  if (expired.length > 0) {
    deps.log.info({ shopstack: `${namespace}/${name}`, backups: expired }, 'retention deleted backups');
    deps.events.record(shop, {
      type: 'Normal',
      reason: 'BackupsPruned',
      action: 'Backup',
      note: `retention deleted ${expired.length} backups: ${expired.join(', ')}`,
    });
  }
  return expired;
}
