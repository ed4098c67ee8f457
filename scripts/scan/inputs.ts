// What the scan gate scans: each shop example as the operator renders it, the operator chart as
// `helm template` renders it, and every Dockerfile. Written one object per file, so a finding names its
// object by its file: <source>/<Kind>.<name>.yaml.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { type KubeManifest, renderShopStack } from '../../cdk8s/src/render.ts';
import { toYaml } from '../../cdk8s/src/yaml.ts';

export const repoRoot: string = resolve(import.meta.dirname, '../..');

/** The ShopStack examples, as the operator renders them (every object, owner references aside). */
export const shopExamples: Readonly<Record<string, string>> = {
  demo: 'operator/examples/shopstack.yaml',
  kind: 'operator/examples/kind.yaml',
};
export const chartDir = 'charts/shopstack-operator';

export interface ScanInputs {
  /** Kubernetes objects, one a file, relative to the scan folder: `<source>/<Kind>.<name>.yaml`. */
  readonly manifests: readonly string[];
  /** Dockerfiles copied under `dockerfiles/<repository path>`. */
  readonly dockerfiles: readonly string[];
}

interface ShopResource {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: unknown;
}

function shopObjects(file: string): KubeManifest[] {
  return parseAllDocuments(readFileSync(join(repoRoot, file), 'utf8'))
    .map((doc) => doc.toJS() as ShopResource)
    .filter((o) => o.kind === 'ShopStack')
    .flatMap((shop) =>
      renderShopStack({ name: shop.metadata.name, namespace: shop.metadata.namespace ?? 'default', spec: shop.spec }),
    );
}

async function chartObjects(helm: string): Promise<KubeManifest[]> {
  const { stdout } = await promisify(execFile)(helm, [
    'template',
    'shopstack',
    join(repoRoot, chartDir),
    '--namespace',
    'shopstack-system',
    '--include-crds',
  ]);
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as KubeManifest | null)
    .filter((o): o is KubeManifest => o !== null);
}

/** Every checked-in Dockerfile, relative to the repository's root. */
export function dockerfiles(): string[] {
  const files = execFileSync('git', ['ls-files', '-z', '--', '*Dockerfile'], { cwd: repoRoot, encoding: 'utf8' });
  return files.split('\0').filter(Boolean).sort();
}

function writeObjects(dir: string, source: string, objects: readonly KubeManifest[]): string[] {
  mkdirSync(join(dir, source), { recursive: true });
  return objects.map((o) => {
    const file = join(source, `${o.kind}.${o.metadata.name}.yaml`);
    writeFileSync(join(dir, file), toYaml(o));
    return file;
  });
}

/** Writes everything the scanners read into `dir`. */
export async function writeScanInputs(dir: string, helm: string): Promise<ScanInputs> {
  const manifests = [
    ...Object.entries(shopExamples).flatMap(([source, file]) => writeObjects(dir, source, shopObjects(file))),
    ...writeObjects(dir, 'chart', await chartObjects(helm)),
  ];
  const copied = dockerfiles().map((path) => {
    const target = join(dir, 'dockerfiles', path);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(repoRoot, path), target);
    return relative(dir, target);
  });
  return { manifests, dockerfiles: copied };
}
