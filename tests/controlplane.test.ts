import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, readAuditEvents, startControlPlane } from '../scripts/controlplane/controlplane.ts';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `dir`: anything the harness started there. */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('control plane harness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-cp-'));
  let controlPlane: ControlPlane;

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir, installDaprCrds: true, auditLog: true });
  });

  afterAll(async () => {
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a namespace and a ConfigMap are created, they read back', async () => {
    const core = controlPlane.kubeConfig().makeApiClient(CoreV1Api);

    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'settings' }, data: { currency: 'EUR' } },
    });

    const configMap = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'shop' });
    expect(configMap.data).toEqual({ currency: 'EUR' });
    const namespace = await core.readNamespace({ name: 'shop' });
    expect(namespace.status?.phase).toBe('Active');
  });

  it('when the Dapr CRDs are installed, a Component can be created', async () => {
    const objects = KubernetesObjectApi.makeApiClient(controlPlane.kubeConfig());
    const component = {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'statestore', namespace: 'default' },
      spec: { type: 'state.in-memory', version: 'v1', metadata: [] },
    };

    await objects.create(component);

    const stored = await objects.read(component);
    expect(stored).toMatchObject({ spec: { type: 'state.in-memory' } });
  });

  it('when an object is written, the audit log records the write with its user', async () => {
    const core = controlPlane.kubeConfig().makeApiClient(CoreV1Api);

    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'audited' } } });

    const events = readAuditEvents(controlPlane.auditLogPath ?? '');
    const writes = events.filter((e) => e.verb === 'create' && e.objectRef?.name === 'audited');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.user.username).toBe('shopstack-admin');
  });

  it('when the API server restarts, objects survive and clients reconnect', async () => {
    const core = controlPlane.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'durable' } } });
    const before = controlPlane.pids().apiServer;

    await controlPlane.restartApiServer();

    expect(controlPlane.pids().apiServer).not.toBe(before);
    const configMap = await core.readNamespacedConfigMap({ name: 'durable', namespace: 'default' });
    expect(configMap.metadata?.name).toBe('durable');
  });

  it('when stopped, no etcd or kube-apiserver process is left', async () => {
    const { etcd, apiServer } = controlPlane.pids();

    await controlPlane.stop();

    expect([etcd, apiServer].filter(isRunning)).toEqual([]);
    expect(processesUsing(dir)).toEqual([]);
  });
});
