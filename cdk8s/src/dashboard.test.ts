import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { dashboardRules } from './dashboard.ts';
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

const dashboardObjects = (objects: Manifest[]): Manifest[] =>
  objects.filter((o) => o.metadata.name === 'demo-dashboard');
const find = (objects: Manifest[], kind: string): Manifest => dashboardObjects(objects).find((o) => o.kind === kind);

describe('DaprDashboard', () => {
  it('is not rendered unless the spec asks for it', () => {
    expect(dashboardObjects(synth())).toEqual([]);
  });

  it('when enabled, renders its identity, read-only Role, Deployment, Service, NetworkPolicy and Ingress', () => {
    // WHEN
    const objects = synth({ dashboard: { enabled: true } });

    // THEN
    expect(
      dashboardObjects(objects)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Deployment', 'Ingress', 'NetworkPolicy', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
      {
        apiGroups: ['dapr.io'],
        resources: ['components', 'configurations', 'subscriptions', 'resiliencies'],
        verbs: ['get', 'list'],
      },
      { apiGroups: ['shopstack.io'], resources: ['shopstacks'], verbs: ['list'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list'] },
    ]);
    expect(find(objects, 'RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'demo-dashboard', namespace: 'shop' },
    ]);
  });

  it('runs the dashboard image as non-root 10001 on a read-only root filesystem, without a Dapr sidecar', () => {
    // WHEN
    const pod = find(synth({ dashboard: { enabled: true }, image: { registry: 'shopstack.local' } }), 'Deployment').spec
      .template;

    // THEN
    expect(pod.metadata.annotations?.['dapr.io/enabled']).toBeUndefined();
    expect(pod.spec.serviceAccountName).toBe('demo-dashboard');
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [container] = pod.spec.containers;
    expect(container.image).toBe('shopstack.local/dashboard:1.2.3');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('publishes /dapr on the shop ingress host, and nothing when the ingress is off', () => {
    // WHEN
    const ingress = find(synth({ dashboard: { enabled: true }, ingress: { host: 'shop.example' } }), 'Ingress');
    const withoutIngress = synth({ dashboard: { enabled: true }, ingress: { enabled: false } });

    // THEN
    expect(ingress.spec.rules).toEqual([
      {
        host: 'shop.example',
        http: {
          paths: [
            {
              path: '/dapr',
              pathType: 'Prefix',
              backend: { service: { name: 'demo-dashboard', port: { name: 'http' } } },
            },
          ],
        },
      },
    ]);
    expect(find(withoutIngress, 'Ingress')).toBeUndefined();
  });

  it("grants nothing the operator's ClusterRole does not hold (RBAC forbids escalation)", () => {
    // GIVEN the chart's ClusterRole, without its Helm-templated metadata
    const template = readFileSync(
      resolve(import.meta.dirname, '../../charts/shopstack-operator/templates/clusterrole.yaml'),
      'utf8',
    );
    const [clusterRole] = parseAllDocuments(template.replace(/^.*\{\{.*$/gm, '')).map((d) => d.toJS());
    const held = (group: string, resource: string, verb: string): boolean =>
      clusterRole.rules.some(
        (r: { apiGroups: string[]; resources: string[]; verbs: string[] }) =>
          r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );

    // THEN
    for (const rule of dashboardRules) {
      for (const resource of rule.resources) {
        for (const verb of rule.verbs)
          expect(held(rule.apiGroups[0] ?? '', resource, verb), `${resource} ${verb}`).toBe(true);
      }
    }
  });
});
