// The operator's backup gauge: per ShopStack with scheduled backups, when its newest backup succeeded,
// read from the ShopStackBackups' status. The chart's ShopStackBackupMissing alert reads it.
import type { BackupSpec, BackupStatus } from '../crd/backup.ts';
import type { KubeObject } from '../kube/object.ts';

export interface LastBackupSuccess {
  readonly namespace: string;
  readonly shopstack: string;
  /** Unix time in seconds; 0 when the shop's backups have only failed so far. */
  readonly seconds: number;
}

/** Whether the shop takes backups on a schedule (spec.backup.schedule, not suspended). */
function scheduled(shop: KubeObject): boolean {
  const backup = (shop.spec as { backup?: { schedule?: unknown; suspend?: unknown } } | undefined)?.backup;
  return typeof backup?.schedule === 'string' && backup.schedule !== '' && backup.suspend !== true;
}

function epochSeconds(time: string | undefined): number | undefined {
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/**
 * One sample per ShopStack with scheduled backups that has at least one finished backup: when the newest
 * Succeeded one completed, or 0 when every finished one failed (so the alert fires for a shop whose backups
 * never worked). A shop without a finished backup yet has no sample: its first run may not be due.
 */
export function lastBackupSuccess(shops: readonly KubeObject[], backups: readonly KubeObject[]): LastBackupSuccess[] {
  const newest = new Map<string, number>();
  for (const backup of backups) {
    const status = (backup.status ?? {}) as BackupStatus;
    const shop = (backup.spec as Partial<BackupSpec> | undefined)?.shopStack;
    if (!shop || (status.phase !== 'Succeeded' && status.phase !== 'Failed')) continue;
    const key = `${backup.metadata.namespace ?? ''}/${shop}`;
    const done =
      status.phase === 'Succeeded'
        ? (epochSeconds(status.completionTime) ??
          epochSeconds(status.startTime) ??
          epochSeconds(backup.metadata.creationTimestamp) ??
          0)
        : 0;
    newest.set(key, Math.max(newest.get(key) ?? 0, done));
  }
  return shops
    .filter((shop) => !shop.metadata.deletionTimestamp && scheduled(shop))
    .flatMap((shop) => {
      const namespace = shop.metadata.namespace ?? '';
      const seconds = newest.get(`${namespace}/${shop.metadata.name}`);
      return seconds === undefined ? [] : [{ namespace, shopstack: shop.metadata.name, seconds }];
    })
    .sort((a, b) => `${a.namespace}/${a.shopstack}`.localeCompare(`${b.namespace}/${b.shopstack}`));
}
