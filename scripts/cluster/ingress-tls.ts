// HTTPS on the kind cluster's ingress: a local CA, made once in ~/.cache/shopstack/ingress-ca, issues the
// certificate of 127.0.0.1, ::1 and localhost. Traefik serves it by default on :443 (scripts/cluster/
// addons.ts); `curl --cacert <ca.pem> https://127.0.0.1/...` verifies it. X.509 comes from @peculiar/x509
// (Node's crypto makes keys but not certificates).
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// tsyringe, inside @peculiar/x509, needs the Reflect metadata polyfill loaded first
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { cacheDir } from '../runtimes/binaries.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const ingressCaDir = join(cacheDir, 'ingress-ca');
const day = 24 * 60 * 60 * 1000;
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface IngressCertificate {
  /** The local CA's certificate (PEM): what a client trusts. */
  readonly caFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

export interface LocalCa {
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

/** A self-signed CA that may sign server certificates only (path length 0), valid ten years. */
export async function makeCa(commonName: string): Promise<LocalCa> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/** A server certificate for `names`, signed by `ca`, valid a year. */
export async function issueServerCertificate(
  ca: LocalCa,
  commonName: string,
  names: x509.JsonGeneralName[],
): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 365 * day),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert, keys };
}

/** Whether the PEM certificate in `file` exists and stays valid for 30 more days. */
export function freshCertificate(file: string): boolean {
  return (
    existsSync(file) && new x509.X509Certificate(readFileSync(file, 'utf8')).notAfter.getTime() > Date.now() + 30 * day
  );
}

/** The local CA and the ingress certificate, made when missing or within 30 days of expiring. */
export async function ensureIngressCertificate(progress: (line: string) => void): Promise<IngressCertificate> {
  mkdirSync(ingressCaDir, { recursive: true, mode: 0o700 });
  const files = {
    ca: join(ingressCaDir, 'ca.pem'),
    caKey: join(ingressCaDir, 'ca-key.pem'),
    cert: join(ingressCaDir, 'ingress.pem'),
    key: join(ingressCaDir, 'ingress-key.pem'),
  };
  if (freshCertificate(files.cert) && freshCertificate(files.ca) && existsSync(files.key))
    return { caFile: files.ca, certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') };

  progress(`ingress TLS: making a local CA and the certificate of 127.0.0.1 in ${ingressCaDir}`);
  const ca = await makeCa('ShopStack local ingress CA');
  const { cert, keys } = await issueServerCertificate(ca, '127.0.0.1', [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
    { type: 'dns', value: 'localhost' },
  ]);
  const keyPem = await pkcs8Pem(keys.privateKey);
  writeFileSync(files.caKey, await pkcs8Pem(ca.keys.privateKey), { mode: 0o600 });
  writeFileSync(files.key, keyPem, { mode: 0o600 });
  writeFileSync(files.ca, ca.cert.toString('pem'));
  writeFileSync(files.cert, cert.toString('pem'));
  return { caFile: files.ca, certPem: cert.toString('pem'), keyPem };
}

/** A kubernetes.io/tls Secret holding the ingress certificate. */
export function tlsSecret(name: string, namespace: string, cert: IngressCertificate): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'shopstack-cluster' } },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': cert.certPem, 'tls.key': cert.keyPem },
  };
}
