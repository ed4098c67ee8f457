import { request } from 'node:https';
import { join } from 'node:path';
import { type Proc, startProc, waitFor } from '../common/proc.ts';
import { startFailure } from './failure.ts';
import type { Pki } from './pki.ts';

export interface ApiServerConfig {
  readonly binary: string;
  readonly dir: string;
  readonly port: number;
  readonly etcdUrl: string;
  readonly pki: Pki;
  /** With an audit policy file, the API server logs to `auditLogPath`. */
  readonly audit?: { readonly policyPath: string; readonly logPath: string };
}

function apiServerArgs(cfg: ApiServerConfig): string[] {
  const { pki } = cfg;
  const audit = cfg.audit
    ? [
        `--audit-policy-file=${cfg.audit.policyPath}`,
        `--audit-log-path=${cfg.audit.logPath}`,
        '--audit-log-format=json',
        // blocking: an event is on disk before the response is sent, so tests can count right after a call
        '--audit-log-mode=blocking',
      ]
    : [];
  return [
    `--etcd-servers=${cfg.etcdUrl}`,
    `--cert-dir=${join(cfg.dir, 'pki')}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--secure-port=${cfg.port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // without kube-controller-manager no default ServiceAccount exists, so the admission plugin would reject pods
    '--disable-admission-plugins=ServiceAccount',
    `--service-account-issuer=https://127.0.0.1:${cfg.port}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    ...audit,
  ];
}

function isReady(cfg: ApiServerConfig): Promise<true | undefined> {
  const { pki } = cfg;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: cfg.port,
        path: '/readyz',
        ca: pki.caPem,
        cert: pki.adminCertPem,
        key: pki.adminKeyPem,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200 ? true : undefined));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/** Starts kube-apiserver against `cfg.etcdUrl` and waits until /readyz answers 200. */
export async function startApiServer(cfg: ApiServerConfig): Promise<Proc> {
  const logFile = join(cfg.dir, 'logs', 'kube-apiserver.log');
  const proc = startProc({ name: 'kube-apiserver', command: cfg.binary, args: apiServerArgs(cfg), logFile });
  try {
    await waitFor('kube-apiserver /readyz', () => isReady(cfg), { proc, timeoutMs: 90_000, intervalMs: 250 });
  } catch (err) {
    await proc.stop();
    throw startFailure('kube-apiserver', logFile, err);
  }
  return proc;
}
