import type { V1Job, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { labelKeys, type Labels } from './context.ts';
import { postgresPort } from './postgres.ts';
import { databaseServices } from './profiles.ts';
import type { KubeManifest, OwnerReference } from './render.ts';
import { containerResources } from './resources.ts';
import { createOnlyAnnotation } from './secrets.ts';
import { containerSecurity, podSecurity, scratch } from './security.ts';
import type { ShopStackSpec } from './spec.ts';

/**
 * The Jobs that dump and restore a shop's managed Postgres, and the volume a backup is written to.
 * They run the shop's own Postgres image (pg_dump and pg_restore of the server's major version) as its
 * non-root user on a read-only root filesystem, and log in as the superuser with the password from the
 * shop's generated Secret (an env reference: the value is in no manifest and no log).
 */

/** The postgres user of the shop's Postgres image (cdk8s/src/postgres.ts). */
const postgresUid = 70;
const backupDir = '/backup';
/** How the pods of both Jobs are told apart from the services' (NetworkPolicy postgres-clients admits them). */
export const backupComponent = 'backup';
export const backupLabel = 'shopstack.io/backup';

/** Every database a backup holds: one per service with storage, which includes the Dapr state tables. */
export function backupDatabases(): string[] {
  return databaseServices();
}

// pg_isready only asks whether the server accepts connections; a fresh server listens on TCP only
// after its init scripts made the databases (images/postgres/entrypoint.sh)
const waitForServer = `
wait_for_server() {
  n=0
  until pg_isready --quiet --timeout=3; do
    n=$((n + 1))
    if [ "$n" -ge "$1" ]; then
      echo "the database server $PGHOST:$PGPORT is unreachable (no answer to $1 tries of pg_isready)" >&2
      exit 1
    fi
    sleep 2
  done
}`;

/**
 * One custom-format dump per database. pg_dump reads each database in one transaction, so each dump is a
 * consistent snapshot of that database. A dump is written as .partial and renamed when complete. The size
 * and database list go to the termination message, which the operator copies into the backup's status;
 * on failure, the last lines of the log (pg_dump's error) become the reason.
 */
export const backupScript = `set -eu
${waitForServer}
wait_for_server 10
cd ${backupDir}
rm -f ./*.partial
for db in $DATABASES; do
  pg_dump --no-password --format=custom --dbname="$db" --file="$db.dump.partial"
  mv "$db.dump.partial" "$db.dump"
  echo "dumped $db ($(wc -c <"$db.dump") bytes)"
done
printf '{"databases":"%s","completedAt":"%s"}\\n' "$DATABASES" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >backup.json
size=$(du -sb . | cut -f1)
printf '{"sizeBytes":%s,"databases":"%s"}' "$size" "$DATABASES" >/dev/termination-log
echo "backup complete: $size bytes"
`;

/**
 * Restores every database from its dump, each in one transaction; --clean --if-exists makes a retry after
 * a failure start over. Waits for a new server's first start (initdb and the databases), up to 5 minutes.
 */
export const restoreScript = `set -eu
${waitForServer}
for db in $DATABASES; do
  [ -s "${backupDir}/$db.dump" ] || { echo "the backup holds no dump of the database $db" >&2; exit 1; }
done
wait_for_server 150
for db in $DATABASES; do
  pg_restore --no-password --dbname="$db" --clean --if-exists --single-transaction --exit-on-error "${backupDir}/$db.dump"
  echo "restored $db"
done
printf '{"databases":"%s"}' "$DATABASES" >/dev/termination-log
`;

export interface BackupTarget {
  /** The ShopStack whose database is dumped or restored. */
  readonly shop: string;
  readonly namespace: string;
  readonly spec: ShopStackSpec;
  readonly managedBy: string;
}

function labels(target: BackupTarget, name: 'backup' | 'restore', extra: Labels = {}): Labels {
  return {
    [labelKeys.name]: name,
    [labelKeys.instance]: target.shop,
    [labelKeys.component]: backupComponent,
    [labelKeys.partOf]: 'shopstack',
    [labelKeys.managedBy]: target.managedBy,
    ...extra,
  };
}

/** The name of a backup's volume claim and Job. */
export function backupObjectName(backup: string): string {
  return `backup-${backup}`;
}

export function restoreJobName(shop: string): string {
  return `${shop}-restore`;
}

function postgresJob(
  target: BackupTarget,
  opts: {
    name: string;
    labels: Labels;
    owner: OwnerReference;
    script: string;
    claim: string;
    readOnly: boolean;
    backoffLimit: number;
    annotations?: Labels;
  },
): V1Job & KubeManifest {
  const tmp = scratch('tmp', '/tmp', 64);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: opts.name,
      namespace: target.namespace,
      labels: opts.labels,
      ...(opts.annotations && { annotations: opts.annotations }),
      ownerReferences: [opts.owner],
    },
    spec: {
      backoffLimit: opts.backoffLimit,
      activeDeadlineSeconds: 3600,
      template: {
        metadata: { labels: opts.labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: podSecurity(postgresUid),
          containers: [
            {
              name: 'postgres',
              image: target.spec.database.managed.image,
              command: ['sh', '-c', opts.script],
              env: [
                { name: 'PGHOST', value: `${target.shop}-postgres` },
                { name: 'PGPORT', value: String(postgresPort) },
                { name: 'PGUSER', value: 'postgres' },
                { name: 'PGCONNECT_TIMEOUT', value: '10' },
                {
                  name: 'PGPASSWORD',
                  valueFrom: { secretKeyRef: { name: `${target.shop}-postgres`, key: 'postgres-password' } },
                },
                { name: 'DATABASES', value: backupDatabases().join(' ') },
              ],
              // small requests: a backup must fit beside a running shop on a full node
              resources: containerResources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } }, [
                tmp,
              ]),
              securityContext: containerSecurity,
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [{ name: 'backup', mountPath: backupDir, readOnly: opts.readOnly }, tmp.mount],
            },
          ],
          volumes: [
            { name: 'backup', persistentVolumeClaim: { claimName: opts.claim, readOnly: opts.readOnly } },
            tmp.volume,
          ],
        },
      },
    },
  };
}

/** The volume one backup is written to; owned by the ShopStackBackup, so it goes with it. */
export function backupClaim(
  target: BackupTarget,
  backup: { name: string; owner: OwnerReference; storage: string; storageClassName?: string },
): V1PersistentVolumeClaim & KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: backupObjectName(backup.name),
      namespace: target.namespace,
      labels: labels(target, 'backup', { [backupLabel]: backup.name }),
      ownerReferences: [backup.owner],
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(backup.storageClassName && { storageClassName: backup.storageClassName }),
      resources: { requests: { storage: backup.storage } },
    },
  };
}

/** Dumps every database of `target` into the backup's volume, once (no retry: a failure is reported). */
export function backupJob(target: BackupTarget, backup: { name: string; owner: OwnerReference }): V1Job & KubeManifest {
  return postgresJob(target, {
    name: backupObjectName(backup.name),
    labels: labels(target, 'backup', { [backupLabel]: backup.name }),
    owner: backup.owner,
    script: backupScript,
    claim: backupObjectName(backup.name),
    readOnly: false,
    backoffLimit: 0,
  });
}

/**
 * Restores every database of a new shop from a backup's volume. Owned by the ShopStack and created once
 * (create-only): it must never run again over a shop that is already serving.
 */
export function restoreJob(
  target: BackupTarget,
  opts: { backup: string; owner: OwnerReference },
): V1Job & KubeManifest {
  return postgresJob(target, {
    name: restoreJobName(target.shop),
    labels: labels(target, 'restore', { [backupLabel]: opts.backup }),
    annotations: { [createOnlyAnnotation]: 'true' },
    owner: opts.owner,
    script: restoreScript,
    claim: backupObjectName(opts.backup),
    readOnly: true,
    backoffLimit: 2,
  });
}
