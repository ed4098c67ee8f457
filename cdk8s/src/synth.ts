import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { type KubeManifest, renderShopStack } from './render.ts';
import { createOnlyAnnotation } from './secrets.ts';
import { toYamlStream } from './yaml.ts';

/**
 * Static manifests for GitOps: `npm run synth -w @shopstack/cdk8s -- --spec shop.yaml [--out dir]
 * [--secrets-out file]` (also the app of `cdk8s synth`, see cdk8s.yaml). Generated Secrets are left
 * out of the manifests: random credentials do not belong in Git, and re-applying them would replace
 * the values a running shop depends on. --secrets-out writes them once, to a file of their own.
 */
const usage = 'usage: synth [--spec shopstack.yaml] [--out dir] [--secrets-out file]';
const here = process.env.INIT_CWD ?? process.cwd();
const { values } = parseArgs({
  options: {
    spec: {
      type: 'string',
      default: process.env.SHOPSTACK_SPEC ?? join(import.meta.dirname, '../../operator/examples/shopstack.yaml'),
    },
    out: { type: 'string', default: process.env.CDK8S_OUTDIR ?? 'dist' },
    'secrets-out': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

interface ShopStackResource {
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

function writeYaml(file: string, objects: KubeManifest[], opts: { header?: string; mode?: number } = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, (opts.header ?? '') + toYamlStream(objects), {
    mode: opts.mode ?? 0o644,
  });
}

try {
  const specFile = resolve(here, values.spec);
  for (const doc of parseAllDocuments(readFileSync(specFile, 'utf8'))) {
    const shop = doc.toJS() as ShopStackResource;
    const name = shop.metadata?.name;
    if (!name) throw new Error(`${specFile}: a ShopStack needs metadata.name`);
    const objects = renderShopStack({ name, namespace: shop.metadata?.namespace ?? 'default', spec: shop.spec });
    const isSecret = (o: KubeManifest) => o.metadata.annotations?.[createOnlyAnnotation] === 'true';
    const manifest = resolve(here, values.out, `${name}.k8s.yaml`);
    writeYaml(
      manifest,
      objects.filter((o) => !isSecret(o)),
    );
    console.log(`wrote ${manifest}`);
    if (values['secrets-out']) {
      const file = resolve(here, values['secrets-out']);
      const header =
        '# Generated credentials. Create once with `kubectl create -f` (it refuses to overwrite); never commit.\n';
      writeYaml(file, objects.filter(isSecret), { header, mode: 0o600 });
      console.log(`wrote ${file} (keep it out of Git)`);
    }
  }
} catch (err) {
  console.error(`synth: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(1);
}
