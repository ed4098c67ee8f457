// The dev loop on the kind cluster: `tilt ci` brings everything up healthy, and under `tilt up` an edit to a
// catalog source file is served through the ingress within seconds by live_update, without an image build.
// It runs on the run's one cluster (tests/support/cluster.ts), created when missing (cold: ~30 min of image
// and Go builds) and reused otherwise. Afterwards the operator and the ShopStack are put back as
// `npm run cluster` left them.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, installOperator, kubectl } from '../../scripts/cluster/addons.ts';
import { shopVersion } from '../../scripts/cluster/images.ts';
import { ensureAdminSecret, ingressUrl, shopName, shopNamespace } from '../../scripts/cluster/up.ts';
import { waitFor } from '../../scripts/common/proc.ts';
import { ensureTilt } from '../../scripts/runtimes/tilt.ts';
import { serviceNames } from '../../services/manifests.ts';
import {
  builtImages,
  stopGroup,
  type TiltOptions,
  tiltCi,
  tiltGet,
  tiltUp,
  type UiResource,
  unhealthy,
} from '../support/tilt.ts';
import { appPods, sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

const minutes = (n: number): number => n * 60_000;
const log = (line: string): void => console.error(line);
const logs = mkdtempSync(join(tmpdir(), 'shopstack-tilt-'));
const routesFile = resolve(import.meta.dirname, '../../services/catalog/src/http/routes.ts');
const listing = '      res.json(await listProducts(repo, query));';

/** The catalog's product listing with `marker` added to the response body. */
function withMarker(source: string, marker: string): string {
  if (!source.includes(listing)) throw new Error(`${routesFile} no longer has the line this test edits: ${listing}`);
  return source.replace(listing, `      res.json({ ...(await listProducts(repo, query)), tiltMarker: '${marker}' });`);
}

async function productsBody(): Promise<string> {
  const res = await fetch(`${ingressUrl}/api/v1/products?limit=1`, { signal: AbortSignal.timeout(5_000) });
  return res.ok ? res.text() : '';
}

async function dockerImageRefs(reference: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('docker', [
    ...['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${reference}`],
  ]);
  return stdout.split('\n').filter(Boolean);
}

async function dockerImageIds(repository: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('docker', ['images', '-q', '--no-trunc', repository]);
  return stdout.split('\n').filter(Boolean).sort();
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;

describe('the Tilt dev loop on the kind cluster', () => {
  let tools: ClusterTools;
  let tilt: TiltOptions;
  let up: ChildProcess | undefined;

  beforeAll(async () => {
    // the ShopStack is Tilt's to apply, through the operator Tilt builds from this tree
    tools = (await sharedCluster(log)).tools;
    await ensureAdminSecret(tools, log);
    tilt = { tilt: await ensureTilt(log), kubeconfig: tools.kubeconfig, port: 10391 };
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    if (up) await stopGroup(up);
    // the images Tilt built are tagged by content (`:tilt-<hash>`): untagged again so that runs do not fill the disk
    const tiltTags = (await dockerImageRefs('shopstack.local/*')).filter((ref) => /:tilt-[0-9a-f]+$/.test(ref));
    if (tiltTags.length > 0) await promisify(execFile)('docker', ['image', 'rm', ...tiltTags]).catch(() => undefined);
    if (tools) {
      // what `npm run cluster` installed: the chart's operator and a ShopStack on the 0.1.0 images
      await installOperator(tools, shopVersion(), log);
      const services = Object.fromEntries(serviceNames.map((s) => [s, { image: null, writableRootFilesystem: null }]));
      await kubectl(tools, [
        ...['-n', shopNamespace, 'patch', 'shopstack', shopName, '--type', 'merge'],
        ...['-p', JSON.stringify({ spec: { services } })],
      ]).catch((err: Error) => log(`could not restore the ShopStack's images: ${err.message}`));
    }
  }, minutes(10));

  it(
    'tilt ci builds the images, deploys the shop through the operator and exits 0 with every resource healthy',
    async () => {
      // WHEN
      const { code, seconds } = await tiltCi(tilt, join(logs, 'tilt-ci.log'));

      // THEN
      log(`tilt ci: exit ${code} after ${seconds.toFixed(0)}s (log: ${join(logs, 'tilt-ci.log')})`);
      expect(code).toBe(0);
    },
    minutes(25),
  );

  it(
    'under tilt up, a catalog edit is served through the ingress within seconds, with no image rebuilt',
    async () => {
      // GIVEN tilt up with every resource healthy
      const began = Date.now();
      up = tiltUp(tilt, join(logs, 'tilt-up.log'));
      const resources = await waitFor(
        'tilt up: every resource healthy',
        async () => {
          const all = await tiltGet<UiResource>(tilt, 'uiresource');
          return all.length > 1 && unhealthy(all).length === 0 ? all : undefined;
        },
        { timeoutMs: minutes(10), intervalMs: 1_000 },
      );
      log(`tilt up: ${resources.length} resources healthy after ${((Date.now() - began) / 1000).toFixed(1)}s`);
      // and the pods Tilt replaced are gone: Tilt selects app pods by label and would live-update one still
      // draining (up to 35 s, docs/operations.md), whose read-only image refuses the file: a full rebuild
      await waitFor(
        'the replaced app pods to be gone',
        async () => {
          const pods = await appPods<{ metadata: { deletionTimestamp?: string } }>(tools);
          return pods.some((p) => p.metadata.deletionTimestamp) ? undefined : true;
        },
        { timeoutMs: minutes(2), intervalMs: 1_000 },
      );
      const imagesBefore = await builtImages(tilt);
      const idsBefore = await dockerImageIds('shopstack.local/catalog');
      const original = readFileSync(routesFile, 'utf8');

      // WHEN the listing gains a new marker, five times
      const durations: number[] = [];
      try {
        for (let i = 0; i < 5; i++) {
          const marker = `tilt-${randomUUID().slice(0, 8)}`;
          const edited = Date.now();
          writeFileSync(routesFile, withMarker(original, marker));
          await waitFor(
            `marker ${marker} served`,
            async () => ((await productsBody()).includes(marker) ? true : undefined),
            {
              timeoutMs: 60_000,
              intervalMs: 100,
            },
          );
          durations.push(Date.now() - edited);
        }
      } finally {
        writeFileSync(routesFile, original);
      }

      // THEN each was served within the deadline, and the revert took the marker away again
      await waitFor(
        'the marker gone after the revert',
        async () => (/"tiltMarker"/.test(await productsBody()) ? undefined : true),
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      const sorted = [...durations].sort((a, b) => a - b);
      log(
        `edit -> served through the ingress: p50 ${percentile(sorted, 0.5)} ms, max ${sorted.at(-1)} ms (${durations.join(', ')})`,
      );
      expect(durations).toHaveLength(5);
      // AND no image was built: Tilt's ImageMaps and the catalog's local images are unchanged
      expect(await builtImages(tilt)).toEqual(imagesBefore);
      expect(await dockerImageIds('shopstack.local/catalog')).toEqual(idsBefore);
    },
    minutes(20),
  );
});
