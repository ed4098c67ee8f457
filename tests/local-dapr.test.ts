// The local run's Dapr plumbing against real processes: Sentry (scripts/local/sentry.ts) and the sqlite name
// resolution of sidecars with mTLS (daprd's resolver, wrapped in scripts/runtimes/daprd/resolver.go).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { SidecarClient } from '@shopstack/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultSidecarGoMaxProcs } from '../cdk8s/src/spec.ts';
import { ensureDaprBinaries } from '../scripts/runtimes/dapr.ts';
import { freeSidecarPorts, type Sidecar, startSidecar } from '../scripts/local/daprd.ts';
import { freePort } from '../scripts/common/ports.ts';
import { type SentryServer, startSentry } from '../scripts/local/sentry.ts';
import { componentsDir } from '../scripts/local/stack.ts';

const DAPR_API_TOKEN = 'nr-test-dapr-token';

/** An app that answers `GET /whoami` with its name. */
async function startApp(name: string): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = createServer((req, res) => res.end(req.url === '/whoami' ? name : 'unknown'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
}

describe('Sentry and sqlite name resolution of the local run', () => {
  let dir: string;
  let sentry: SentryServer;
  let sentryStartedAt: number;
  let daprd: string;
  const sidecars: Sidecar[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shopstack-nr-'));
    chmodSync(dir, 0o711);
    const binaries = await ensureDaprBinaries();
    daprd = binaries.daprd;
    sentry = await startSentry({
      bin: binaries.sentry,
      dir: join(dir, 'sentry'),
      port: await freePort(),
      healthzPort: await freePort(),
      metricsPort: await freePort(),
      configFile: join(componentsDir, 'config', 'daprsystem.yaml'),
      logFile: join(dir, 'sentry.log'),
    });
    sentryStartedAt = Date.now();
    // Dapr's resolver (components-contrib v1.18.3) deleted every live registration at each cleanup, and
    // each sidecar then exited at its next renewal (~4 s later); a one-second interval shows it at once.
    const configFile = join(dir, 'config.yaml');
    writeFileSync(
      configFile,
      [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Configuration',
        'metadata: { name: nr-test }',
        'spec:',
        '  mtls: { enabled: true }',
        '  nameResolution:',
        '    component: sqlite',
        '    configuration: { connectionString: nameresolution.db, cleanupInterval: 1s }',
        '',
      ].join('\n'),
    );
    for (const appId of ['nr-a', 'nr-b']) {
      const app = await startApp(appId);
      servers.push(app.server);
      sidecars.push(await sidecarFor(appId, app.port, configFile, dir));
    }
  });

  const sidecarFor = async (appId: string, appPort: number, configFile: string, cwd: string): Promise<Sidecar> => {
    const resourcesDir = join(cwd, 'resources');
    mkdirSync(resourcesDir, { recursive: true });
    return startSidecar({
      bin: daprd,
      appId,
      appPort,
      ports: await freeSidecarPorts(),
      configFile,
      resourcesDir,
      sentryAddress: sentry.address,
      trustAnchors: sentry.trustAnchors,
      daprApiToken: DAPR_API_TOKEN,
      appApiToken: `${appId}-app-token`,
      cwd,
      logFile: join(cwd, `daprd-${appId}.log`),
    });
  };

  afterAll(async () => {
    await Promise.all(sidecars.map((s) => s.stop()));
    await sentry?.stop();
    for (const server of servers) server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps both sidecars registered and reachable through several cleanups and renewals', async () => {
    const sidecarA = new SidecarClient({
      host: '127.0.0.1',
      httpPort: sidecars[0]!.ports.http,
      apiToken: DAPR_API_TOKEN,
    });
    const invokeB = async (): Promise<string> => {
      const res = await sidecarA.invoke('nr-b', { method: 'GET', path: 'whoami' });
      return `${res.status} ${res.body}`;
    };
    expect(await invokeB()).toBe('200 nr-b');
    // cleanups every second and two renewals (every ~4 s) of each sidecar
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    expect(sidecars.map((s) => s.proc.child.exitCode)).toEqual([null, null]);
    expect(await invokeB()).toBe('200 nr-b');
  }, 30_000);

  it('runs each sidecar with the GOMAXPROCS a cluster gets by default', () => {
    for (const { proc } of sidecars) {
      const environ = readFileSync(`/proc/${proc.child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`GOMAXPROCS=${defaultSidecarGoMaxProcs}`);
    }
  });

  it('runs Sentry on the credentials it generated without restarting its servers', async () => {
    // a Sentry that generated its credentials in the dir it watches restarted 2 s and 4 s later,
    // refusing the sidecars that asked for a certificate meanwhile
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentryStartedAt + 5_000 - Date.now())));
    const log = readFileSync(join(dir, 'sentry.log'), 'utf8');
    expect(log).toContain('Root and issuer certs found');
    expect(log).not.toContain('reloading');
    expect(sentry.proc.child.exitCode).toBeNull();
  }, 15_000);

  /**
   * Starts `appId`'s sidecar with `nameResolution` in a dir of its own whose name-resolution database another
   * process holds locked (as a sidecar creating it does) for `holdMs`; answers the apps registered in it.
   */
  const startOnLockedDatabase = async (appId: string, nameResolution: unknown, holdMs: number) => {
    const cwd = mkdtempSync(join(dir, 'locked-'));
    const configFile = join(cwd, 'config.yaml');
    const config = { apiVersion: 'dapr.io/v1alpha1', kind: 'Configuration', metadata: { name: appId } };
    writeFileSync(configFile, stringify({ ...config, spec: { mtls: { enabled: true }, nameResolution } }));
    const db = new DatabaseSync(join(cwd, 'nameresolution.db'));
    db.exec('PRAGMA journal_mode=WAL; BEGIN EXCLUSIVE; CREATE TABLE holder (x)');
    const released = sleep(holdMs).then(() => db.exec('COMMIT'));
    const app = await startApp(appId);
    servers.push(app.server);
    try {
      sidecars.push(await sidecarFor(appId, app.port, configFile, cwd));
    } finally {
      await released;
    }
    const hosts = db.prepare('SELECT app_id FROM hosts').all();
    db.close();
    return hosts.map((row) => row.app_id);
  };

  it("with the local run's configuration, a sidecar waits out a 2 s lock on the name-resolution database", async () => {
    const { spec } = parse(readFileSync(join(componentsDir, 'config', 'catalog.yaml'), 'utf8'));
    expect(await startOnLockedDatabase('nr-waits', spec.nameResolution, 2_000)).toEqual(['nr-waits']);
  }, 30_000);

  it('a sidecar whose name resolution cannot start fails to start, saying why', async () => {
    const nameResolution = { component: 'sqlite', configuration: { connectionString: 'nameresolution.db' } };
    await expect(startOnLockedDatabase('nr-locked-out', nameResolution, 3_000)).rejects.toThrow(
      /daprd for nr-locked-out could not initialise nr \(sqlite\/v1\): .*database is locked/,
    );
  }, 30_000);
});
