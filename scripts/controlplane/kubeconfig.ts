import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { toYaml } from '../../cdk8s/src/yaml.ts';
import type { Pki } from './pki.ts';

const name = 'shopstack';
const base64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** Writes a kubeconfig for the system:masters client certificate, with the data inline so it can be copied. */
export function writeAdminKubeconfig(path: string, server: string, pki: Pki): void {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server, caData: base64(pki.caPem), skipTLSVerify: false }],
    users: [{ name: `${name}-admin`, certData: base64(pki.adminCertPem), keyData: base64(pki.adminKeyPem) }],
    contexts: [{ name, cluster: name, user: `${name}-admin` }],
    currentContext: name,
  });
  writeFileSync(path, toYaml(JSON.parse(kc.exportConfig())), { mode: 0o600 });
}
