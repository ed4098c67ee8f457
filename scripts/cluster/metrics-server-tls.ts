// metrics-server's serving certificate, which the API server verifies (the APIService's caBundle) before it
// proxies a metrics.k8s.io request. A local CA, made once in ~/.cache/shopstack/metrics-server-tls, signs the
// certificate of the Service's DNS names (the aggregator asks for metrics-server.kube-system.svc).
//
// Why verify: with `insecureSkipTLSVerify` the aggregator kept any TLS peer. On this machine a connection the
// API server opened to the Service's ClusterIP before kube-proxy had translated it left the node by its
// default route, was answered by a host outside the cluster (404, `Server: keryx`), and stayed pooled: every
// /apis/metrics.k8s.io request got that 404 while the APIService said Available (docs/operations.md).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../runtimes/binaries.ts';
import { freshCertificate, issueServerCertificate, makeCa, pkcs8Pem } from './ingress-tls.ts';

export const metricsServerTlsDir = join(cacheDir, 'metrics-server-tls');

export interface ServingCertificate {
  /** The CA's certificate (PEM): the APIService's caBundle. */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** The DNS names of Service `name` in `namespace`, the first one being what the aggregator verifies. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}`, name];
}

/** metrics-server's CA and serving certificate in `dir`, made when missing or within 30 days of expiring. */
export async function ensureMetricsServerCertificate(
  service: { name: string; namespace: string },
  progress: (line: string) => void,
  dir = metricsServerTlsDir,
): Promise<ServingCertificate> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  const read = (): ServingCertificate => ({
    caPem: readFileSync(files.ca, 'utf8'),
    certPem: readFileSync(files.cert, 'utf8'),
    keyPem: readFileSync(files.key, 'utf8'),
  });
  if (freshCertificate(files.cert) && freshCertificate(files.ca) && existsSync(files.key)) return read();

  const names = serviceDnsNames(service.name, service.namespace);
  progress(`metrics-server TLS: making a local CA and the certificate of ${names[0]} in ${dir}`);
  // the CA signs this one certificate; its key is not kept
  const ca = await makeCa('ShopStack local metrics-server CA');
  const { cert, keys } = await issueServerCertificate(
    ca,
    names[0] as string,
    names.map((value) => ({ type: 'dns' as const, value })),
  );
  writeFileSync(files.key, await pkcs8Pem(keys.privateKey), { mode: 0o600 });
  writeFileSync(files.ca, ca.cert.toString('pem'));
  writeFileSync(files.cert, cert.toString('pem'));
  return read();
}
