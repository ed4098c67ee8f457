import { isDeepStrictEqual } from 'node:util';
import {
  backupClaim,
  backupJob,
  backupObjectName,
  type BackupTarget,
  InvalidSpecError,
  type OwnerReference,
  parseSpec,
} from '@shopstack/cdk8s';
import type { Logger } from 'pino';
import type { BackupSpec, BackupStatus } from '../crd/backup.ts';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';
import type { EventRecorder } from '../reconcile/events.ts';
import { managedBy } from '../reconcile/owner.ts';
import type { Informer } from '../watch/informer.ts';
import { formatSize, jobOutcome, lastLine } from './jobs.ts';

export interface BackupDeps {
  readonly client: KubeClient;
  readonly shops: Informer;
  readonly backups: Informer;
  readonly jobs: Informer | undefined;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** The work queue's key of a backup: distinct from a ShopStack's `namespace/name`. */
export const backupKeyPrefix = 'backup:';

export function backupOwner(backup: KubeObject): OwnerReference {
  return {
    apiVersion: backup.apiVersion,
    kind: 'ShopStackBackup',
    name: backup.metadata.name,
    uid: backup.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

async function createOnce<T extends KubeObject>(client: KubeClient, obj: KubeObject): Promise<T | undefined> {
  try {
    return await client.create<T>(obj);
  } catch (err) {
    if (isStatus(err, 409)) return undefined;
    throw err;
  }
}

const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Takes one ShopStackBackup from Pending to Succeeded or Failed: creates its volume and its dump Job
 * (both owned by the backup, so deleting the backup deletes its files), follows the Job, and copies the
 * result (size, databases) or the error into the status. A finished backup is never touched again.
 */
export class BackupReconciler {
  readonly #deps: BackupDeps;

  constructor(deps: BackupDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string): Promise<void> {
    const backup = this.#deps.backups.get(key);
    if (!backup || backup.metadata.deletionTimestamp) return;
    const status = (backup.status ?? {}) as BackupStatus;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
    const namespace = backup.metadata.namespace ?? '';
    const name = backupObjectName(backup.metadata.name);
    const job = this.#deps.jobs?.get(`${namespace}/${name}`);
    if (!job) {
      if (status.phase === 'Running') {
        await this.#fail(backup, status, 'JobDeleted', `the backup Job ${name} was deleted before it finished`);
        return;
      }
      await this.#start(backup, status);
      return;
    }
    const outcome = await jobOutcome(this.#deps.client, job);
    if (outcome.state === 'pending' || outcome.state === 'running') {
      await this.#write(backup, {
        ...status,
        phase: outcome.state === 'running' ? 'Running' : 'Pending',
        ...(outcome.startTime && { startTime: outcome.startTime }),
      });
      return;
    }
    if (outcome.state === 'failed') {
      await this.#fail(
        backup,
        { ...status, ...(outcome.startTime && { startTime: outcome.startTime }) },
        'DumpFailed',
        lastLine(outcome.message ?? ''),
        outcome.completionTime,
      );
      return;
    }
    let result: { sizeBytes?: number; databases?: string } = {};
    try {
      result = JSON.parse(outcome.message ?? '{}');
    } catch {
      // an older or foreign pod: the dumps are there, only the figures are missing
    }
    const sizeBytes = typeof result.sizeBytes === 'number' ? result.sizeBytes : undefined;
    const databases = typeof result.databases === 'string' ? result.databases.split(' ').filter(Boolean) : [];
    const done: BackupStatus = {
      ...status,
      phase: 'Succeeded',
      ...(outcome.startTime && { startTime: outcome.startTime }),
      ...(outcome.completionTime && { completionTime: outcome.completionTime }),
      ...(sizeBytes !== undefined && { sizeBytes, size: formatSize(sizeBytes) }),
      databases,
    };
    await this.#write(backup, done);
    this.#deps.log.info({ backup: key, size: done.size, databases }, 'backup succeeded');
    this.#deps.events.record(backup, {
      type: 'Normal',
      reason: 'BackupSucceeded',
      action: 'Backup',
      note: `dumped ${databases.length} databases (${done.size ?? 'size unknown'}) to ${status.volumeClaim ?? name}`,
    });
  }

  async #start(backup: KubeObject, status: BackupStatus): Promise<void> {
    const spec = backup.spec as BackupSpec;
    const namespace = backup.metadata.namespace ?? '';
    const shop = this.#deps.shops.get(`${namespace}/${spec.shopStack}`);
    if (!shop || shop.metadata.deletionTimestamp) {
      await this.#fail(backup, status, 'ShopStackNotFound', `there is no ShopStack ${spec.shopStack} in ${namespace}`);
      return;
    }
    let shopSpec: ReturnType<typeof parseSpec>;
    try {
      shopSpec = parseSpec(shop.spec);
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      await this.#fail(
        backup,
        status,
        'InvalidShopStack',
        `the ShopStack ${spec.shopStack} is invalid: ${err.problems.join('; ')}`,
      );
      return;
    }
    if (shopSpec.database.mode !== 'managed') {
      await this.#fail(
        backup,
        status,
        'ExternalDatabase',
        'only a managed database is backed up (database.mode: managed)',
      );
      return;
    }
    const target: BackupTarget = { shop: shop.metadata.name, namespace, spec: shopSpec, managedBy };
    const owner = backupOwner(backup);
    const storageClassName = spec.storageClassName ?? shopSpec.backup?.storageClassName;
    const claim = backupClaim(target, {
      name: backup.metadata.name,
      owner,
      storage: spec.storage ?? shopSpec.backup?.storage ?? '1Gi',
      ...(storageClassName && { storageClassName }),
    });
    await createOnce(this.#deps.client, claim);
    const job = await createOnce(this.#deps.client, backupJob(target, { name: backup.metadata.name, owner }));
    if (job) this.#deps.jobs?.remember(job);
    await this.#write(backup, { ...status, phase: 'Pending', volumeClaim: claim.metadata.name });
    this.#deps.log.info(
      { backup: `${namespace}/${backup.metadata.name}`, shopstack: spec.shopStack },
      'backup started',
    );
  }

  async #fail(backup: KubeObject, status: BackupStatus, reason: string, message: string, at?: string): Promise<void> {
    const now = seconds(this.#deps.now?.() ?? new Date());
    await this.#write(backup, { ...status, phase: 'Failed', completionTime: at ?? now, reason, message });
    this.#deps.log.warn(
      { backup: `${backup.metadata.namespace}/${backup.metadata.name}`, reason, detail: message },
      'backup failed',
    );
    this.#deps.events.record(backup, {
      type: 'Warning',
      reason: 'BackupFailed',
      action: 'Backup',
      note: `${reason}: ${message}`,
    });
  }

  async #write(backup: KubeObject, status: BackupStatus): Promise<void> {
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(status)), backup.status ?? {})) return;
    const { name, namespace } = backup.metadata;
    const updated = await this.#deps.client.apply(
      { apiVersion: backup.apiVersion, kind: 'ShopStackBackup', metadata: { name, namespace }, status },
      { subresource: 'status' },
    );
    this.#deps.backups.remember(updated);
  }
}
