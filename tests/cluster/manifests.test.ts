// What ShopStack writes to disk, read by the cluster itself: every file `cdk8s synth` writes for each
// example ShopStack, and the operator chart as `helm template` renders it, pass `kubectl apply
// --dry-run=server` (the API server's decoding, defaulting, schema and admission; nothing is stored).
// kubectl reads YAML 1.1, so a string such as Redis's `--appendonly yes` left plain fails here.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { toYamlStream } from '../../cdk8s/src/yaml.ts';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { chartDir, repoRoot, shopExamples } from '../../scripts/scan/inputs.ts';
import { sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

const run = promisify(execFile);
const documents = (yaml: string): unknown[] =>
  parseAllDocuments(yaml)
    .map((doc) => doc.toJS())
    .filter(Boolean);

describe('kubectl apply --dry-run=server on the kind cluster', () => {
  // a namespace of our own, so the example shops' objects dry-run beside (not over) the shared shop
  const namespace = `dry-run-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-dry-run-'));
  let tools: ClusterTools;

  /** `kubectl apply --dry-run=server` of one file: every object in it is accepted, none is stored. */
  async function dryRun(file: string): Promise<string[]> {
    const out = await kubectl(tools, ['apply', '--dry-run=server', '-f', file]);
    return out.trim().split('\n');
  }

  beforeAll(async () => {
    tools = (await sharedCluster((line) => console.error(line))).tools;
    await kubectl(tools, ['create', 'namespace', namespace]);
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    await kubectl(tools, ['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(shopExamples))(
    'accepts every file cdk8s synth writes for the %s example (%s), its credentials file too',
    async (source, example) => {
      // GIVEN the example's ShopStacks, in our namespace
      const shops = documents(readFileSync(join(repoRoot, example), 'utf8'))
        .filter((o) => (o as { kind: string }).kind === 'ShopStack')
        .map((o) => ({ ...(o as object), metadata: { ...(o as { metadata: object }).metadata, namespace } }));
      const spec = join(dir, `${source}.spec.yaml`);
      writeFileSync(spec, toYamlStream(shops));
      const out = join(dir, source);

      // WHEN cdk8s synth writes the manifests and the generated credentials
      const secrets = join(dir, `${source}.secrets.yaml`);
      await run(process.execPath, [
        join(repoRoot, 'cdk8s/src/synth.ts'),
        '--spec',
        spec,
        '--out',
        out,
        '--secrets-out',
        secrets,
      ]);
      const files = [...readdirSync(out).map((name) => join(out, name)), secrets];

      // THEN the API server accepts each file, every object in it
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) {
        const objects = documents(readFileSync(file, 'utf8'));
        const accepted = await dryRun(file);
        expect(accepted, file).toHaveLength(objects.length);
        for (const line of accepted) expect(line, file).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
      }
    },
  );

  it('accepts the operator chart as helm template renders it, with its CRD', async () => {
    // WHEN
    const { stdout } = await run(tools.helm, [
      'template',
      'dry-run',
      join(repoRoot, chartDir),
      '--namespace',
      namespace,
      '--include-crds',
    ]);
    const file = join(dir, 'chart.yaml');
    writeFileSync(file, stdout);

    // THEN
    const accepted = await dryRun(file);
    expect(accepted).toHaveLength(documents(stdout).length);
    for (const line of accepted) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
    expect(accepted.join('\n')).toContain('customresourcedefinition.apiextensions.k8s.io/shopstacks.shopstack.io');
  });
});
