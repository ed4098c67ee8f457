// The Tiltfile evaluates cleanly (`tilt alpha tiltfile-result`, no cluster needed) and declares the dev
// loop the README promises: every service image built from its dev target and synced live, the ShopStack
// deployed through the operator with Tilt's images injected, labels and links.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '../services/manifests.ts';
import { ensureTilt } from './runtimes/tilt.ts';

const root = resolve(import.meta.dirname, '..');

interface ImageTarget {
  selector: string;
  LiveUpdateSpec?: { stopPaths?: string[]; syncs?: { localPath: string; containerPath: string }[] };
  BuildDetails?: { target?: string; args?: string[] };
}
interface Manifest {
  Name: string;
  Labels?: Record<string, string>;
  ImageTargets: ImageTarget[] | null;
  ResourceDependencies?: string[];
  DeployTarget: {
    yaml?: string;
    imageLocators?: { path: string }[];
    discoveryStrategy?: string;
    kubernetesDiscoveryTemplateSpec?: { extraSelectors?: { matchLabels: Record<string, string> }[] };
    Links?: { URL: { Scheme: string; Host: string; Path: string } }[];
  };
}

describe('the Tiltfile', () => {
  let manifests: Manifest[];
  const manifest = (name: string): Manifest => {
    const found = manifests.find((m) => m.Name === name);
    if (!found) throw new Error(`no resource ${name} in ${manifests.map((m) => m.Name).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    // GIVEN the Tiltfile evaluated as `tilt up` would, without a cluster
    const tilt = await ensureTilt();
    const { stdout } = await promisify(execFile)(tilt, ['alpha', 'tiltfile-result'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    manifests = (JSON.parse(stdout) as { Manifests: Manifest[] }).Manifests;
  }, 120_000);

  it('builds every service from its dev target, syncs its src/ and the kit src/, and rebuilds on a manifest change', () => {
    const images = manifest('shop').ImageTargets ?? [];
    for (const service of serviceNames) {
      const image = images.find((i) => i.selector === `shopstack.local/${service}`);
      expect(image?.BuildDetails?.target, service).toBe('dev');
      expect(image?.BuildDetails?.args, service).toContain(`SERVICE=${service}`);
      expect(image?.LiveUpdateSpec?.syncs, service).toEqual([
        { localPath: 'services/kit/src', containerPath: '/app/services/kit/src' },
        { localPath: `services/${service}/src`, containerPath: `/app/services/${service}/src` },
      ]);
      expect(image?.LiveUpdateSpec?.stopPaths, service).toEqual(
        expect.arrayContaining(['package.json', 'package-lock.json', `services/${service}/package.json`]),
      );
    }
  });

  it('deploys the ShopStack through the operator, with each service image injected at spec.services.<name>.image', () => {
    const shop = manifest('shop');
    expect(shop.ResourceDependencies).toEqual(['operator']);
    expect(shop.DeployTarget.yaml).toContain('kind: ShopStack');
    expect(shop.DeployTarget.imageLocators?.map((l) => l.path).sort()).toEqual(
      [...serviceNames.map((s) => `{.spec.services.${s}.image}`), '{.spec.storefront.image}'].sort(),
    );
    // every service's pods, by the operator's labels: owner references would keep one Deployment's only
    expect(shop.DeployTarget.discoveryStrategy).toBe('selectors-only');
    expect(shop.DeployTarget.kubernetesDiscoveryTemplateSpec?.extraSelectors).toEqual([
      { matchLabels: { 'app.kubernetes.io/component': 'app', 'app.kubernetes.io/instance': 'shop' } },
      { matchLabels: { 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/name': 'storefront' } },
    ]);
  });

  it('builds the npm layer (images/npm-cache) from the package manifests alone, before the images on it', () => {
    for (const name of ['shop', 'operator']) {
      // Tilt puts an image's dependencies before it: the npm layer comes first
      const images = manifest(name).ImageTargets ?? [];
      expect(images[0]?.selector, name).toBe('shopstack.local/npm-cache');
      expect(images[0]?.LiveUpdateSpec?.syncs ?? [], name).toEqual([]);
    }
  });

  it('builds the storefront from its dev target and syncs its page and server sources', () => {
    const image = (manifest('shop').ImageTargets ?? []).find((i) => i.selector === 'shopstack.local/storefront');
    expect(image?.BuildDetails?.target).toBe('dev');
    expect(image?.LiveUpdateSpec?.syncs?.map((s) => s.localPath)).toEqual([
      'web/src',
      'web/public',
      'web/index.html',
      'web/server',
    ]);
    expect(image?.LiveUpdateSpec?.stopPaths).toEqual(
      expect.arrayContaining(['web/package.json', 'web/vite.config.ts']),
    );
    expect(manifest('shop').DeployTarget.yaml).toMatch(
      /storefront:\n\s+enabled: true\n\s+image: shopstack.local\/storefront\n\s+writableRootFilesystem: true/,
    );
  });

  it('runs the operator in the cluster from an image it syncs live, with a writable root filesystem', () => {
    const operator = manifest('operator');
    expect(operator.ImageTargets?.map((i) => i.selector)).toEqual([
      'shopstack.local/npm-cache',
      'shopstack.local/operator',
    ]);
    expect(operator.ImageTargets?.[1]?.LiveUpdateSpec?.syncs?.map((s) => s.localPath)).toEqual([
      'operator/src',
      'cdk8s/src',
      'services',
    ]);
    expect(operator.DeployTarget.yaml).toContain('readOnlyRootFilesystem: false');
    // and the chart's CRD, which `tilt down` keeps
    expect(operator.DeployTarget.yaml).toContain('kind: CustomResourceDefinition');
    expect(operator.DeployTarget.yaml).toContain('tilt.dev/down-policy: keep');
  });

  it('labels every resource: shop services, data, dapr, operator', () => {
    const labels = Object.fromEntries(manifests.map((m) => [m.Name, Object.keys(m.Labels ?? {})]));
    expect(labels).toEqual({
      operator: ['operator'],
      shop: ['shop-services'],
      ...Object.fromEntries(serviceNames.map((s) => [s, ['shop-services']])),
      storefront: ['shop-services'],
      postgres: ['data'],
      redis: ['data'],
      'dapr-view': ['dapr'],
      dapr: ['dapr'],
    });
  });

  it('links the storefront, the REST API, the OpenAPI docs and the Dapr view through the ingress', () => {
    const links = manifest('shop').DeployTarget.Links?.map((l) => `${l.URL.Scheme}://${l.URL.Host}${l.URL.Path}`);
    expect(links).toEqual([
      'http://127.0.0.1/',
      'http://127.0.0.1/api/v1/products',
      'http://127.0.0.1/api/docs',
      'http://127.0.0.1/dapr',
    ]);
  });
});
