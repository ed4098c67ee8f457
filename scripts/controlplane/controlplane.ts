import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type ApiServerConfig, startApiServer } from './apiserver.ts';
import { writeAuditPolicy } from './audit.ts';
import { ensureControlPlaneBinaries } from '../runtimes/kube.ts';
import { installDaprCrds } from './dapr-crds.ts';
import { startEtcd } from './etcd.ts';
import { writeAdminKubeconfig } from './kubeconfig.ts';
import { createPki } from './pki.ts';
import { freePort } from '../common/ports.ts';
import type { Proc } from '../common/proc.ts';

export { type AuditEvent, readAuditEvents } from './audit.ts';
export { type ControlPlaneBinaries, ensureControlPlaneBinaries } from '../runtimes/kube.ts';

export interface ControlPlaneOptions {
  /** Holds certificates, etcd data, logs and the kubeconfig; created if missing, etcd data is reused. */
  readonly dir: string;
  /** Apply Dapr's Component, Configuration, Resiliency and Subscription CRDs. Default: false. */
  readonly installDaprCrds?: boolean;
  /** Log every write request at Metadata level to `${dir}/audit.log` (JSON lines). Default: false. */
  readonly auditLog?: boolean;
}

/** etcd plus kube-apiserver, without controller-manager: no garbage collection or namespace finalization. */
export interface ControlPlane {
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly auditLogPath?: string;
  /** A fresh client config for the system:masters admin. */
  kubeConfig(): KubeConfig;
  /** Process ids of the running etcd and kube-apiserver (the latter changes on restart). */
  pids(): { readonly etcd: number; readonly apiServer: number };
  /** Stops kube-apiserver and starts it again on the same port, so clients see an outage as in an upgrade. */
  restartApiServer(): Promise<void>;
  /** Stops kube-apiserver, then etcd; resolves once both have exited. */
  stop(): Promise<void>;
}

function pidOf(proc: Proc): number {
  if (proc.child.pid === undefined) throw new Error(`${proc.name} has no process id`);
  return proc.child.pid;
}

/** Starts etcd and kube-apiserver envtest-style and writes an admin kubeconfig to `${dir}/kubeconfig`. */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const bins = await ensureControlPlaneBinaries();
  const pki = await createPki(join(dir, 'pki'));
  const auditLogPath = opts.auditLog ? join(dir, 'audit.log') : undefined;
  const audit = auditLogPath ? { policyPath: join(dir, 'audit-policy.yaml'), logPath: auditLogPath } : undefined;
  if (audit) writeAuditPolicy(audit.policyPath);
  const port = await freePort();
  const etcd = await startEtcd(bins, dir);
  const config: ApiServerConfig = { binary: bins.kubeApiServer, dir, port, etcdUrl: etcd.url, pki, audit };
  const server = `https://127.0.0.1:${port}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  let apiServer: Proc | undefined;
  const stop = async (): Promise<void> => {
    await apiServer?.stop();
    await etcd.proc.stop();
  };
  const kubeConfig = (): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    return kc;
  };
  try {
    apiServer = await startApiServer(config);
    writeAdminKubeconfig(kubeconfigPath, server, pki);
    if (opts.installDaprCrds) await installDaprCrds(kubeConfig());
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kubeconfigPath,
    server,
    auditLogPath,
    kubeConfig,
    pids() {
      if (!apiServer) throw new Error('kube-apiserver is not running');
      return { etcd: pidOf(etcd.proc), apiServer: pidOf(apiServer) };
    },
    async restartApiServer() {
      await apiServer?.stop();
      apiServer = undefined;
      apiServer = await startApiServer(config);
    },
    stop,
  };
}
