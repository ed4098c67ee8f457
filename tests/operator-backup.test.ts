// The operator's side of backups and restore against a real kube-apiserver (no kubelet, so no Job runs
// here; tests/cluster/backup.test.ts runs them on kind): the schedule creates ShopStackBackups, a backup
// gets its own volume and Job, a restore holds every service at 0 replicas, and bad input is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../operator/src/kube/client.ts';
import type { KubeObject } from '../operator/src/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import { serviceNames } from '../services/manifests.ts';
import {
  condition,
  createNamespace,
  eventually,
  exampleShopStack,
  fastLease,
  type OperatorProcess,
  startOperatorProcess,
  startServices,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const ns = 'shop';

describe('ShopStack backups and restore in the operator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-backup-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  let operator: OperatorProcess;

  const shopStack = (name: string, namespace: string, spec: Record<string, unknown>): KubeObject => {
    const example = exampleShopStack();
    return { ...example, metadata: { name, namespace }, spec: { ...example.spec, ...spec } };
  };
  const backup = (name: string, namespace: string, shop: string): KubeObject => ({
    apiVersion: 'shopstack.io/v1alpha1',
    kind: 'ShopStackBackup',
    metadata: { name, namespace },
    spec: { shopStack: shop },
  });

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
    client = testClient(controlPlane);
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'operator-backup',
      flags: ['--install-crds', '--resync-ms', '2000', ...fastLease],
    });
    await eventually('the operator to lead', async () =>
      (await operator.metric('shopstack_leader')) === 1 ? true : undefined,
    );
    await createNamespace(client, ns);
  });

  afterAll(async () => {
    await operator?.proc.stop();
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a ShopStackBackup on schedule, with its own volume and Job, and records the run', async () => {
    // GIVEN a shop backed up every minute
    await client.create(
      shopStack('demo', ns, { backup: { schedule: '* * * * *', storage: '3Gi', retention: { count: 2 } } }),
    );

    // WHEN the next minute comes
    const scheduled: Any = await eventually(
      'a scheduled backup',
      async () =>
        (await client.list('ShopStackBackup', { namespace: ns, labelSelector: 'shopstack.io/scheduled=true' }))
          .items[0],
      90_000,
    );

    // THEN it names its shop, gets a volume and a dump Job, both owned by the backup, and is Pending
    expect(scheduled.metadata.name).toMatch(/^demo-\d{12}$/);
    expect(scheduled.spec).toEqual({ shopStack: 'demo' });
    const name = `backup-${scheduled.metadata.name}`;
    const pending: Any = await eventually('the backup to be Pending', async () => {
      const current: Any = await client.get('ShopStackBackup', ns, scheduled.metadata.name);
      return current.status?.phase === 'Pending' ? current : undefined;
    });
    expect(pending.status.volumeClaim).toBe(name);
    const claim: Any = await client.get('PersistentVolumeClaim', ns, name);
    const job: Any = await client.get('Job', ns, name);
    for (const owned of [claim, job]) {
      expect(owned.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ShopStackBackup', name: scheduled.metadata.name, controller: true }),
      ]);
    }
    expect(claim.spec.resources.requests.storage).toBe('3Gi');
    const container = job.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({
      name: 'PGPASSWORD',
      valueFrom: { secretKeyRef: { name: 'demo-postgres', key: 'postgres-password' } },
    });
    const status: Any = (await client.get('ShopStack', ns, 'demo')).status;
    expect(status.backup.lastScheduleTime).toBe(
      `${scheduled.metadata.name.replace(/^demo-(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5')}:00Z`,
    );
    expect(Date.parse(status.backup.nextScheduleTime)).toBeGreaterThan(Date.parse(status.backup.lastScheduleTime));
  }, 120_000);

  it('fails a backup at once when its ShopStack does not exist or has an external database', async () => {
    await client.create(backup('orphan', ns, 'nope'));
    const orphan: Any = await eventually('the orphan backup to fail', async () => {
      const current: Any = await client.get('ShopStackBackup', ns, 'orphan');
      return current.status?.phase === 'Failed' ? current : undefined;
    });
    expect(orphan.status).toMatchObject({ reason: 'ShopStackNotFound', message: 'there is no ShopStack nope in shop' });
    await expect(client.get('Job', ns, 'backup-orphan')).rejects.toThrow(/not found/);
  });

  it("exports when each scheduled shop last backed up successfully, from its backups' status", async () => {
    // GIVEN the scheduled shop `demo` (first test), whose backups cannot finish here (no kubelet)
    const gauge = 'shopstack_backup_last_success_timestamp_seconds';
    expect(await operator.samples(gauge)).toEqual([]);

    // WHEN one of its backups ends Failed, then another Succeeded (as the Job's outcome would set them)
    const finish = async (name: string, status: Record<string, unknown>) => {
      await client.create(backup(name, ns, 'demo'));
      await eventually(`${name} to start`, async () => {
        const current: Any = await client.get('ShopStackBackup', ns, name);
        return current.status?.phase ? current : undefined;
      });
      await client.mergePatch('ShopStackBackup', { namespace: ns, name, subresource: 'status' }, { status });
    };
    await finish('demo-failed', { phase: 'Failed', completionTime: '2026-12-05T03:00:40Z', reason: 'DumpFailed' });
    const onlyFailed = await eventually('the gauge at 0 after a failure only', async () => {
      const lines = await operator.samples(gauge);
      return lines.length ? lines : undefined;
    });
    await finish('demo-ok', { phase: 'Succeeded', completionTime: '2026-12-06T03:01:00Z' });

    // THEN the gauge holds 0 while only a failure is known, then the success's time, per namespace and shop
    expect(onlyFailed).toEqual([`${gauge}{namespace="${ns}",shopstack="demo"} 0`]);
    const seconds = Date.parse('2026-12-06T03:01:00Z') / 1000;
    const lines = await eventually('the gauge at the success', async () => {
      const current = await operator.samples(gauge);
      return current.some((line) => line.endsWith(` ${seconds}`)) ? current : undefined;
    });
    expect(lines).toEqual([`${gauge}{namespace="${ns}",shopstack="demo"} ${seconds}`]);
  });

  it('holds every service at 0 replicas while the backup to restore from is missing or not finished', async () => {
    // GIVEN a new shop naming a backup that does not exist yet
    await createNamespace(client, 'restored');
    await client.create(shopStack('again', 'restored', { restore: { from: { backup: 'later' } } }));
    await startServices(client, 'restored', 'again');

    // THEN it says why it is not Ready, and no service runs
    const missing: Any = await eventually('the restore source to be reported missing', async () => {
      const current: Any = await client.get('ShopStack', 'restored', 'again');
      return condition(current, 'Degraded')?.reason === 'RestoreSourceNotFound' ? current : undefined;
    });
    expect(condition(missing, 'Ready')).toMatchObject({ status: 'False', reason: 'RestoreSourceNotFound' });
    expect(missing.status.restore).toMatchObject({ backup: 'later', phase: 'Pending', reason: 'BackupNotFound' });
    for (const service of serviceNames) {
      const deployment: Any = await client.get('Deployment', 'restored', `again-${service}`);
      expect(deployment.spec.replicas, service).toBe(0);
    }
    const postgres: Any = await client.get('StatefulSet', 'restored', 'again-postgres');
    expect(postgres.spec.replicas).toBe(1);

    // WHEN the backup appears but has not finished: the shop waits for it, which is not a fault
    await client.create(backup('later', 'restored', 'again'));
    const waiting: Any = await eventually('the shop to wait for the backup', async () => {
      const current: Any = await client.get('ShopStack', 'restored', 'again');
      return condition(current, 'Ready')?.reason === 'WaitingForBackup' ? current : undefined;
    });
    expect(condition(waiting, 'Degraded')).toMatchObject({ status: 'False' });
    await expect(client.get('Job', 'restored', 'again-restore')).rejects.toThrow(/not found/);
  });

  it('refuses a bad backup policy or backup by field', async () => {
    const refused = (obj: KubeObject) =>
      client.create(obj).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
    expect(await refused(shopStack('bad1', ns, { backup: { schedule: 'daily at 3' } }))).toMatch(
      /spec\.backup\.schedule: Invalid value.*should match/,
    );
    expect(await refused(shopStack('bad2', ns, { backup: { retention: { count: -3 } } }))).toMatch(
      /spec\.backup\.retention\.count: Invalid value: -3: spec\.backup\.retention\.count in body should be greater than or equal to 1/,
    );
    expect(await refused(shopStack('bad3', ns, { backup: { retention: { maxAge: '1 week' } } }))).toMatch(
      /spec\.backup\.retention\.maxAge/,
    );
    expect(await refused({ ...backup('nameless', ns, 'demo'), spec: {} })).toMatch(/spec\.shopStack: Required value/);
    // a restore replaces the databases: it cannot be added to a shop that exists
    const added = await client
      .mergePatch('ShopStack', { namespace: ns, name: 'demo' }, { spec: { restore: { from: { backup: 'b1' } } } })
      .then(
        () => 'accepted',
        (err: Error) => err.message,
      );
    expect(added).toMatch(/spec\.restore: .*restore can only be set when the ShopStack is created/);
  });

  it('reports a schedule whose fields are out of range as an invalid spec, naming the field', async () => {
    await createNamespace(client, 'cron');
    await client.create(shopStack('badcron', 'cron', { backup: { schedule: '0 25 * * *' } }));
    const bad: Any = await eventually('the shop to be Degraded', async () => {
      const current: Any = await client.get('ShopStack', 'cron', 'badcron');
      return condition(current, 'Degraded')?.reason === 'InvalidSpec' ? current : undefined;
    });
    expect(condition(bad, 'Degraded')?.message).toMatch(
      /spec\.backup\.schedule: "0 25 \* \* \*" is not a valid cron schedule: .*25/,
    );
  });
});
