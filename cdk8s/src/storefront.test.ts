import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ShopStack } from './shopstack.ts';
import type { ShopStackSpecInput } from './spec.ts';
import { countingRandom } from './testing/fixtures.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests are untyped JSON
type Manifest = any;

function synth(spec: Partial<ShopStackSpecInput> = {}): Manifest[] {
  const chart = Testing.chart();
  new ShopStack(chart, 'demo', { spec: { version: '1.2.3', ...spec }, namespace: 'shop', random: countingRandom() });
  return Testing.synth(chart);
}

const find = (objects: Manifest[], name: string, kind: string): Manifest =>
  objects.find((o) => o.metadata.name === name && o.kind === kind);
const paths = (ingress: Manifest): [string, string][] =>
  ingress.spec.rules[0].http.paths.map((p: Manifest) => [p.path, p.backend.service.name]);

describe('Storefront', () => {
  it('is not rendered unless enabled, and the gateway then keeps all of the ingress host', () => {
    const objects = synth();
    expect(objects.filter((o) => o.metadata.name === 'demo-storefront')).toEqual([]);
    expect(paths(find(objects, 'demo-gateway', 'Ingress'))).toEqual([['/', 'demo-gateway']]);
  });

  it('runs as non-root 10001 on a read-only root filesystem, without Kubernetes credentials, calling the gateway', () => {
    const pod = find(
      synth({ storefront: { enabled: true }, image: { registry: 'shopstack.local' } }),
      'demo-storefront',
      'Deployment',
    ).spec.template;
    expect(pod.metadata.annotations?.['dapr.io/enabled']).toBeUndefined();
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [container] = pod.spec.containers;
    expect(container.image).toBe('shopstack.local/storefront:1.2.3');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.env).toContainEqual({ name: 'GATEWAY_URL', value: 'http://demo-gateway' });
    expect(container.env).toContainEqual({ name: 'COOKIE_SECURE', value: 'auto' });
  });

  it('keeps serving after its deletion until Traefik has stopped sending to it, as the Dapr view does', () => {
    // WHEN
    const objects = synth({ storefront: { enabled: true }, dashboard: { enabled: true } });

    // THEN both web pods sleep in preStop for longer than Traefik's throttle (2 s), within their grace period
    for (const name of ['demo-storefront', 'demo-dashboard']) {
      const pod = find(objects, name, 'Deployment').spec.template.spec;
      const sleep = pod.containers[0].lifecycle?.preStop?.sleep?.seconds;
      expect(sleep, name).toBeGreaterThanOrEqual(10);
      expect(pod.terminationGracePeriodSeconds, name).toBeGreaterThan(sleep + 5);
    }
  });

  it('takes / on the ingress host, leaving /api and /.well-known to the gateway; Secure cookies with TLS', () => {
    const objects = synth({
      storefront: { enabled: true },
      ingress: { host: 'shop.example', tlsSecretName: 'shop-tls' },
    });
    expect(paths(find(objects, 'demo-storefront', 'Ingress'))).toEqual([['/', 'demo-storefront']]);
    expect(paths(find(objects, 'demo-gateway', 'Ingress'))).toEqual([
      ['/api', 'demo-gateway'],
      ['/.well-known', 'demo-gateway'],
    ]);
    expect(find(objects, 'demo-storefront', 'Ingress').spec.tls).toEqual([
      { hosts: ['shop.example'], secretName: 'shop-tls' },
    ]);
    const [container] = find(objects, 'demo-storefront', 'Deployment').spec.template.spec.containers;
    expect(container.env).toContainEqual({ name: 'COOKIE_SECURE', value: 'always' });
    expect(
      find(synth({ storefront: { enabled: true }, ingress: { enabled: false } }), 'demo-storefront', 'Ingress'),
    ).toBeUndefined();
  });
});
