import { backupDatabases, labelKeys, restoreJob, restoreJobName, type ShopStackSpec } from '@shopstack/cdk8s';
import type { BackupStatus } from '../crd/backup.ts';
import type { RestoreStatus } from '../crd/status.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import { managedBy, ownerReference } from '../reconcile/owner.ts';
import type { Problem } from '../reconcile/status.ts';
import type { Informer } from '../watch/informer.ts';
import { jobOutcome, lastLine } from './jobs.ts';

export interface RestoreDeps {
  readonly client: KubeClient;
  readonly backups: Informer;
  readonly jobs: Informer | undefined;
}

/** What a restore changes in one reconcile of its ShopStack. */
export interface RestorePlan {
  /** Keep every service at 0 replicas: the databases are not restored yet. */
  readonly hold: boolean;
  /** Objects to add to the rendered shop: the restore Job, until it exists. */
  readonly objects: KubeObject[];
  readonly status: RestoreStatus | undefined;
  /** Why the shop is not Ready yet, when nothing is wrong (waiting for the backup or the restore). */
  readonly waiting?: Problem;
  /** What is wrong, when the restore cannot go on. */
  readonly problem?: Problem;
}

const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The restore of a new shop from `spec.restore.from.backup`: while it has not succeeded, every service
 * stays at 0 replicas and only Postgres and Redis run; the restore Job (created once) loads every dump;
 * then the shop comes up as usual. A restore that succeeded is never run again.
 */
export async function planRestore(
  deps: RestoreDeps,
  shop: KubeObject,
  spec: ShopStackSpec,
  previous: RestoreStatus | undefined,
  now: Date,
): Promise<RestorePlan> {
  const from = spec.restore?.from.backup;
  if (!from || previous?.phase === 'Succeeded') return { hold: false, objects: [], status: previous };
  // the API server refuses a restore added later (spec.ts); a shop that has already run (a version rolled
  // out) keeps running rather than have its databases replaced
  const ran = (shop.status as { version?: string } | undefined)?.version !== undefined;
  if (!previous && ran) {
    const message = 'spec.restore was added to a shop that already runs: it is read only when the ShopStack is created';
    return { hold: false, objects: [], status: undefined, problem: { reason: 'RestoreIgnored', message } };
  }
  const namespace = shop.metadata.namespace ?? '';
  const job = deps.jobs?.get(`${namespace}/${restoreJobName(shop.metadata.name)}`);
  if (!job) {
    const backup = deps.backups.get(`${namespace}/${from}`);
    const phase = (backup?.status as BackupStatus | undefined)?.phase;
    const pending = (reason: string, message: string): RestoreStatus => ({
      backup: from,
      phase: 'Pending',
      reason,
      message,
    });
    if (!backup) {
      const message = `there is no ShopStackBackup ${from} in ${namespace}`;
      return {
        hold: true,
        objects: [],
        status: pending('BackupNotFound', message),
        problem: { reason: 'RestoreSourceNotFound', message },
      };
    }
    if (phase === 'Failed') {
      const message = `the ShopStackBackup ${from} failed; restore from one that Succeeded`;
      return {
        hold: true,
        objects: [],
        status: pending('BackupFailed', message),
        problem: { reason: 'RestoreSourceFailed', message },
      };
    }
    if (phase !== 'Succeeded') {
      const message = `waiting for the ShopStackBackup ${from} to succeed (now ${phase ?? 'Pending'})`;
      return {
        hold: true,
        objects: [],
        status: pending('WaitingForBackup', message),
        waiting: { reason: 'WaitingForBackup', message },
      };
    }
    const target = { shop: shop.metadata.name, namespace, spec, managedBy };
    const objects = [restoreJob(target, { backup: from, owner: ownerReference(shop) }) as KubeObject];
    const message = `restoring ${backupDatabases().length} databases from ShopStackBackup ${from}`;
    return {
      hold: true,
      objects,
      status: { backup: from, phase: 'Running', startTime: previous?.startTime ?? seconds(now) },
      waiting: { reason: 'Restoring', message },
    };
  }
  const outcome = await jobOutcome(deps.client, job);
  const startTime = previous?.startTime ?? outcome.startTime ?? seconds(now);
  if (outcome.state === 'succeeded') {
    return {
      hold: false,
      objects: [],
      status: {
        backup: from,
        phase: 'Succeeded',
        startTime,
        ...(outcome.completionTime && { completionTime: outcome.completionTime }),
      },
    };
  }
  if (outcome.state === 'failed') {
    const message = lastLine(outcome.message ?? 'the restore Job failed');
    return {
      hold: true,
      objects: [],
      status: {
        backup: from,
        phase: 'Failed',
        startTime,
        ...(outcome.completionTime && { completionTime: outcome.completionTime }),
        reason: 'RestoreJobFailed',
        message,
      },
      problem: { reason: 'RestoreFailed', message: `the restore from ${from} failed: ${message}` },
    };
  }
  return {
    hold: true,
    objects: [],
    status: { backup: from, phase: 'Running', startTime },
    waiting: {
      reason: 'Restoring',
      message: `restoring ${backupDatabases().length} databases from ShopStackBackup ${from}`,
    },
  };
}

/** The rendered shop with every service Deployment at 0 replicas (Postgres, Redis and the Dapr view run). */
export function holdServices(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((obj) =>
    obj.kind === 'Deployment' && obj.metadata.labels?.[labelKeys.component] === 'app'
      ? { ...obj, spec: { ...(obj.spec as object), replicas: 0 } }
      : obj,
  );
}
