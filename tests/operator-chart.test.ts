import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { KubeClient } from '../operator/src/kube/client.ts';
import { loadCredentials } from '../operator/src/kube/credentials.ts';
import type { KubeObject } from '../operator/src/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../scripts/controlplane/controlplane.ts';
import { serviceNames } from '../services/manifests.ts';
import { cacheDir, findBinary, pathDirs, runBuildScript, versions } from '../scripts/runtimes/binaries.ts';
import {
  condition,
  createNamespace,
  eventually,
  exampleShopStack,
  type OperatorProcess,
  startOperatorProcess,
  startServices,
  testClient,
} from './support/operator.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are read as untyped JSON
type Any = any;

const chart = resolve(import.meta.dirname, '../charts/shopstack-operator');
const release = { name: 'demo', namespace: 'shopstack-system' };
const serviceAccount = `system:serviceaccount:${release.namespace}:demo-shopstack-operator`;

async function helm(...args: string[]): Promise<string> {
  const cached = join(cacheDir, `helm-${versions.HELM_VERSION}`, 'bin');
  let binary = findBinary('helm', [...pathDirs(), cached]);
  if (!binary) {
    await runBuildScript('build-helm.sh');
    binary = findBinary('helm', [cached]) as string;
  }
  const { stdout } = await promisify(execFile)(binary, args);
  return stdout;
}

async function renderChart(): Promise<KubeObject[]> {
  const yaml = await helm('template', release.name, chart, '--namespace', release.namespace);
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((obj): obj is KubeObject => obj !== null);
}

describe('the operator Helm chart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-chart-'));
  let controlPlane: ControlPlane;
  let client: KubeClient;
  let operator: OperatorProcess | undefined;

  beforeAll(async () => {
    controlPlane = await startControlPlane({ dir: join(dir, 'cp'), installDaprCrds: true });
    client = testClient(controlPlane);
    await createNamespace(client, release.namespace);
    // what `helm install` does with crds/ before anything else
    for (const file of readdirSync(join(chart, 'crds'))) {
      const crd = parse(readFileSync(join(chart, 'crds', file), 'utf8'));
      await client.apply(crd);
      await eventually(`the CRD ${crd.metadata.name} to be established`, async () => {
        const current: Any = await client.get('CustomResourceDefinition', undefined, crd.metadata.name);
        return current.status?.conditions?.some((c: Any) => c.type === 'Established' && c.status === 'True')
          ? true
          : undefined;
      });
    }
  });

  afterAll(async () => {
    await operator?.proc.stop();
    await controlPlane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes helm lint --strict', async () => {
    await expect(helm('lint', '--strict', chart)).resolves.toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('rejects values its schema does not allow', async () => {
    await expect(helm('lint', chart, '--set', 'replicaCount=0')).rejects.toThrow(/replicaCount/);
  });

  it('renders objects the API server accepts (server-side dry run)', async () => {
    // WHEN
    const objects = await renderChart();

    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    for (const obj of objects) {
      const accepted = await client.apply(obj, { dryRun: true });
      expect(accepted.metadata.name).toBe(obj.metadata.name);
    }
    const deployment: Any = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
  });

  it('its least-privilege RBAC is all the operator needs to run a shop and lead', async () => {
    // GIVEN the chart installed, and an operator acting as the chart's ServiceAccount
    for (const obj of await renderChart()) if (obj.kind !== 'Deployment') await client.apply(obj);
    const kubeconfig = parse(readFileSync(controlPlane.kubeconfigPath, 'utf8'));
    for (const user of kubeconfig.users) user.user.as = serviceAccount;
    const kubeconfigPath = join(dir, 'operator-kubeconfig');
    writeFileSync(kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
    operator = await startOperatorProcess({
      controlPlane,
      dir,
      name: 'chart-operator',
      kubeconfigPath,
      env: { LEASE_NAMESPACE: release.namespace, LEASE_NAME: 'demo-shopstack-operator' },
    });

    // WHEN
    await createNamespace(client, 'shop');
    await client.create(exampleShopStack());
    await startServices(client, 'shop', 'demo');

    // THEN
    const shop: Any = await eventually('the ShopStack to get a status', async () => {
      const current: Any = await client.get('ShopStack', 'shop', 'demo');
      return current.status?.conditions ? current : undefined;
    });
    expect(condition(shop, 'Degraded')).toMatchObject({ status: 'False' });
    await eventually('the operator to have built the shop', async () =>
      (await client.list('Deployment', { namespace: 'shop' })).items.length === serviceNames.length ? true : undefined,
    );
    expect(readFileSync(operator.logFile, 'utf8')).not.toMatch(/forbidden/i);

    // AND the identity really is that narrow
    const asOperator = new KubeClient(loadCredentials({ KUBECONFIG: kubeconfigPath }), { userAgent: 'shopstack-test' });
    const may = async (verb: string, resource: string, group = ''): Promise<boolean> => {
      const review: Any = await asOperator.request({
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: { spec: { resourceAttributes: { verb, resource, group, namespace: 'shop' } } },
      });
      return review.status.allowed;
    };
    expect(await may('patch', 'deployments', 'apps')).toBe(true);
    expect(await may('delete', 'secrets')).toBe(false);
    expect(await may('create', 'pods')).toBe(false);
  });
});
