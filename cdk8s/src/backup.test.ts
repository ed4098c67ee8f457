import { describe, expect, it } from 'vitest';
import { backupClaim, backupDatabases, backupJob, restoreJob } from './backup.ts';
import { parseSpec } from './parse.ts';
import { ageMs, dueRun, nextRun } from './schedule.ts';

const at = (iso: string) => new Date(iso);

describe('the backup policy in the spec', () => {
  it('when a backup policy is given, its defaults are filled in', () => {
    const spec = parseSpec({ version: '1.0.0', backup: { schedule: '0 3 * * *' } });
    expect(spec.backup).toEqual({ schedule: '0 3 * * *', suspend: false, retention: { count: 7 }, storage: '1Gi' });
  });

  it('when the schedule is not five cron fields, the error names the field and the value', () => {
    expect(() => parseSpec({ version: '1.0.0', backup: { schedule: 'every day' } })).toThrow(
      /spec\.backup\.schedule: must be a cron schedule .*\(got "every day"\)/,
    );
  });

  it('when a cron field is out of range, the error says which', () => {
    expect(() => parseSpec({ version: '1.0.0', backup: { schedule: '61 * * * *' } })).toThrow(
      /spec\.backup\.schedule: "61 \* \* \* \*" is not a valid cron schedule: .*61.*0-59/,
    );
  });

  it('when the retention is not a positive count or a duration, the error names the field', () => {
    expect(() => parseSpec({ version: '1.0.0', backup: { retention: { count: -1 } } })).toThrow(
      /spec\.backup\.retention\.count: .*\(got -1\)/,
    );
    expect(() => parseSpec({ version: '1.0.0', backup: { retention: { count: 0 } } })).toThrow(
      /spec\.backup\.retention\.count/,
    );
    expect(() => parseSpec({ version: '1.0.0', backup: { retention: { maxAge: '-7d' } } })).toThrow(
      /spec\.backup\.retention\.maxAge: must be a duration such as 90m, 12h or 7d \(got "-7d"\)/,
    );
  });

  it('when the database is external, a backup policy or a restore is refused', () => {
    const external = { mode: 'external', external: { secretRef: { name: 'db' } } };
    expect(() => parseSpec({ version: '1.0.0', database: external, backup: {} })).toThrow(
      /spec\.backup: backups are taken of the managed database only/,
    );
    expect(() => parseSpec({ version: '1.0.0', database: external, restore: { from: { backup: 'b1' } } })).toThrow(
      /spec\.restore: a restore needs the managed database/,
    );
  });
});

describe('the backup schedule', () => {
  it('the latest run after the last one taken is due, and only once', () => {
    const every5 = '*/5 * * * *';
    expect(dueRun(every5, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:05:00Z'))).toEqual(at('2026-01-01T00:05:00Z'));
    expect(dueRun(every5, at('2026-01-01T00:05:00Z'), at('2026-01-01T00:09:59Z'))).toBeUndefined();
    // missed runs are not caught up: only the latest is due
    expect(dueRun(every5, at('2026-01-01T00:00:00Z'), at('2026-01-01T01:02:00Z'))).toEqual(at('2026-01-01T01:00:00Z'));
  });

  it('the next run is the first after now, in UTC', () => {
    expect(nextRun('0 3 * * *', at('2026-01-01T03:00:00Z'))).toEqual(at('2026-01-02T03:00:00Z'));
    expect(nextRun('@hourly', at('2026-01-01T03:10:00Z'))).toEqual(at('2026-01-01T04:00:00Z'));
  });

  it('reads ages in minutes, hours and days', () => {
    expect([ageMs('90m'), ageMs('12h'), ageMs('7d')]).toEqual([5_400_000, 43_200_000, 604_800_000]);
  });
});

describe('the backup and restore Jobs', () => {
  const spec = parseSpec({ version: '1.0.0', database: { managed: { image: 'shopstack.local/postgres:15' } } });
  const target = { shop: 'demo', namespace: 'shop', spec, managedBy: 'shopstack-operator' };
  const owner = {
    apiVersion: 'shopstack.io/v1alpha1',
    kind: 'ShopStackBackup',
    name: 'b1',
    uid: 'u1',
    controller: true,
  };

  it("dump every service database (the Dapr state tables live in the state services' own) with the shop's Postgres image", () => {
    const job = backupJob(target, { name: 'b1', owner });
    const container = job.spec?.template.spec?.containers[0];
    expect(backupDatabases()).toEqual(
      expect.arrayContaining(['identity', 'catalog', 'inventory', 'orders', 'payments', 'cart']),
    );
    expect(container?.env).toContainEqual({ name: 'DATABASES', value: backupDatabases().join(' ') });
    expect(container?.image).toBe('shopstack.local/postgres:15');
    expect(job.metadata.ownerReferences).toEqual([owner]);
    expect(job.spec?.backoffLimit).toBe(0);
  });

  it('run as non-root on a read-only root filesystem, with the password from the Secret and in no manifest', () => {
    for (const job of [backupJob(target, { name: 'b1', owner }), restoreJob(target, { backup: 'b1', owner })]) {
      const pod = job.spec?.template.spec;
      const container = pod?.containers[0];
      expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70 });
      expect(container?.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(container?.env).toContainEqual({
        name: 'PGPASSWORD',
        valueFrom: { secretKeyRef: { name: 'demo-postgres', key: 'postgres-password' } },
      });
      expect(JSON.stringify(job)).not.toMatch(/password=|postgres:\/\//);
    }
  });

  it('the restore reads the backup volume read-only and is created once', () => {
    const job = restoreJob(target, { backup: 'b1', owner });
    expect(job.spec?.template.spec?.volumes).toContainEqual({
      name: 'backup',
      persistentVolumeClaim: { claimName: 'backup-b1', readOnly: true },
    });
    expect(job.metadata.annotations).toEqual({ 'shopstack.io/create-only': 'true' });
  });

  it("the backup volume has the backup's size, or the policy's", () => {
    const claim = backupClaim(target, { name: 'b1', owner, storage: '2Gi', storageClassName: 'fast' });
    expect(claim.spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } });
    expect(claim.metadata.ownerReferences).toEqual([owner]);
  });
});
