import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Paths of the PEM files the API server and its clients need; each `*Pem` field holds file contents. */
export interface Pki {
  readonly caCert: string;
  readonly caPem: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

interface CertSpec {
  readonly name: string;
  readonly subject: readonly string[];
  readonly extensions: readonly string[];
  /** Omitted for the self-signed CA. */
  readonly issuer?: string;
}

const run = promisify(execFile);

function writeKey(dir: string, name: string): { key: string; pub: string } {
  const pair = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = join(dir, `${name}.key`);
  const pub = join(dir, `${name}.pub`);
  writeFileSync(key, pair.privateKey, { mode: 0o600 });
  writeFileSync(pub, pair.publicKey);
  return { key, pub };
}

async function issue(dir: string, spec: CertSpec): Promise<{ cert: string; key: string }> {
  const { key } = writeKey(dir, spec.name);
  const config = join(dir, `${spec.name}.cnf`);
  const cert = join(dir, `${spec.name}.crt`);
  const lines = [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    '[dn]',
    ...spec.subject,
    '[ext]',
    ...spec.extensions,
  ];
  writeFileSync(config, `${lines.join('\n')}\n`);
  const signing = spec.issuer
    ? ['-CA', join(dir, `${spec.issuer}.crt`), '-CAkey', join(dir, `${spec.issuer}.key`)]
    : [];
  const args = ['req', '-x509', '-new', '-key', key, '-config', config, '-extensions', 'ext', '-days', '365'];
  try {
    await run('openssl', [...args, ...signing, '-out', cert]);
  } catch (err) {
    throw new Error(`'openssl' failed to issue the ${spec.name} certificate (is openssl installed?)`, { cause: err });
  }
  return { cert, key };
}

/** Creates a throwaway CA, a loopback serving cert, a system:masters client cert and a service-account key. */
export async function createPki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true });
  const ca = await issue(dir, {
    name: 'ca',
    subject: ['CN = shopstack-controlplane-ca'],
    extensions: ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign'],
  });
  const leaf = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment'];
  const serving = await issue(dir, {
    name: 'apiserver',
    issuer: 'ca',
    subject: ['CN = kube-apiserver'],
    extensions: [...leaf, 'extendedKeyUsage = serverAuth', 'subjectAltName = IP:127.0.0.1,DNS:localhost'],
  });
  const admin = await issue(dir, {
    name: 'admin',
    issuer: 'ca',
    subject: ['O = system:masters', 'CN = shopstack-admin'],
    extensions: [...leaf, 'extendedKeyUsage = clientAuth'],
  });
  const serviceAccount = writeKey(dir, 'service-account');
  return {
    caCert: ca.cert,
    caPem: readFileSync(ca.cert, 'utf8'),
    servingCert: serving.cert,
    servingKey: serving.key,
    adminCertPem: readFileSync(admin.cert, 'utf8'),
    adminKeyPem: readFileSync(admin.key, 'utf8'),
    serviceAccountKey: serviceAccount.key,
    serviceAccountPub: serviceAccount.pub,
  };
}
