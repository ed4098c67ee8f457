import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { waitFor } from '../common/proc.ts';
import { cacheDir, versions } from '../runtimes/binaries.ts';

const crdFiles = ['components.yaml', 'configuration.yaml', 'resiliency.yaml', 'subscription.yaml'];

/** build-dapr.sh copies the CRDs into the cache only after its long build; the module download has them sooner. */
async function daprCrdDir(): Promise<string> {
  const version = versions.DAPR_VERSION;
  const cached = join(cacheDir, `dapr-${version}`, 'crds');
  if (crdFiles.every((file) => existsSync(join(cached, file)))) return cached;
  const module = `github.com/dapr/dapr@${version}`;
  try {
    const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', module], { cwd: tmpdir() });
    return join((JSON.parse(stdout) as { Dir: string }).Dir, 'charts', 'dapr', 'crds');
  } catch (err) {
    throw new Error(`Dapr CRDs are not in ${cached}, and 'go mod download ${module}' failed (is 'go' installed?)`, {
      cause: err,
    });
  }
}

function storageVersion(crd: V1CustomResourceDefinition): string {
  const version = crd.spec.versions.find((v) => v.storage)?.name;
  if (!version) throw new Error(`CRD ${crd.metadata?.name} has no storage version`);
  return version;
}

async function waitUntilServed(kc: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? '';
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  await waitFor(`CRD ${name} to be Established and served`, async () => {
    const current = await crds.readCustomResourceDefinition({ name });
    const established = current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (!established) return undefined;
    await objects.list(`${crd.spec.group}/${storageVersion(crd)}`, crd.spec.names.kind);
    return true;
  });
}

/** Applies Dapr's Component, Configuration, Resiliency and Subscription CRDs and waits until each is served. */
export async function installDaprCrds(kc: KubeConfig): Promise<void> {
  const dir = await daprCrdDir();
  const crds = crdFiles.flatMap((file) =>
    loadAllYaml(readFileSync(join(dir, file), 'utf8')).filter(Boolean),
  ) as V1CustomResourceDefinition[];
  const objects = KubernetesObjectApi.makeApiClient(kc);
  for (const crd of crds) {
    // server-side apply: idempotent when the control plane reuses an etcd that already holds the CRDs
    await objects.patch(crd, undefined, undefined, 'shopstack-controlplane', true, PatchStrategy.ServerSideApply);
  }
  await Promise.all(crds.map((crd) => waitUntilServed(kc, crd)));
}
