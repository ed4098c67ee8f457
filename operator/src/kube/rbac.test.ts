import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  backupJob,
  createOnlyAnnotation,
  parseSpec,
  renderShopStack,
  restoreJob,
  type ShopStackSpecInput,
} from '@shopstack/cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ownedKinds, type ResourceType, resourceTypes } from './resources.ts';

const templates = resolve(import.meta.dirname, '../../../charts/shopstack-operator/templates');

interface Rule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/**
 * The rules of the chart's `kind` objects in `file`, read without Helm: a line that is only a template
 * action (the labels) is dropped, any other action becomes a plain string. Control flow would change
 * which rules exist, so a template with any is refused rather than misread.
 */
function chartRules(file: string, kind: string): Rule[] {
  const text = readFileSync(resolve(templates, file), 'utf8');
  const control = text.match(/\{\{-?\s*(if|else|range|with|end|define|template|block)\b[^}]*\}\}/);
  if (control) throw new Error(`${file} has template control flow (${control[0]}): render it with helm to read it`);
  const plain = text
    .split('\n')
    .filter((line) => !/^\s*\{\{.*\}\}\s*$/.test(line))
    .map((line) => line.replace(/\{\{.*?\}\}/g, 'helm-template'))
    .join('\n');
  return parseAllDocuments(plain)
    .map((doc) => doc.toJS() as { kind: string; rules?: Rule[] })
    .filter((doc) => doc.kind === kind)
    .flatMap((doc) => doc.rules ?? []);
}

/** `group/resource verb`, one per permission a rule grants (its resourceNames only narrow it). */
const grants = (rules: readonly Rule[]): string[] =>
  rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource} ${verb}`)),
    ),
  );

/** What the operator does, per `types`: `group/resource verb` for each verb on each resource and subresource. */
function uses(types: readonly ResourceType[]): string[] {
  return types.flatMap((type) => {
    const group = type.apiVersion.includes('/') ? (type.apiVersion.split('/')[0] ?? '') : '';
    const subresources = Object.entries(type.subresources ?? {}).map(([sub, verbs]) => [
      `${type.plural}/${sub}`,
      verbs,
    ]);
    return [[type.plural, type.verbs ?? []] as const, ...subresources].flatMap(([resource, verbs]) =>
      (verbs as readonly string[]).map((verb) => `${group}/${resource} ${verb}`),
    );
  });
}

/** A shop with every option that adds objects: the Dapr view, an admin, generated database credentials, a replicated service (its PDB). */
const fullShop: Partial<ShopStackSpecInput> = {
  version: '1.2.3',
  admin: { secretRef: { name: 'shop-admin' } },
  demoCatalog: true,
  dashboard: { enabled: true },
  services: {
    gateway: { replicas: 2 },
    catalog: { autoscaling: { maxReplicas: 3 } },
    notifications: { autoscaling: { maxReplicas: 3 } },
  },
};
const rendered = renderShopStack({ name: 'demo', namespace: 'shop', spec: fullShop, keda: true });

/** RBAC lets the operator grant in the Roles it creates only what it holds itself (escalation check). */
const grantedOn = grants(rendered.filter((o) => o.kind === 'Role').flatMap((o) => o.rules as Rule[]));

const missingAndExtra = (expected: readonly string[], actual: readonly string[]) => ({
  missing: [...new Set(expected)].filter((g) => !actual.includes(g)).sort(),
  extra: [...new Set(actual)].filter((g) => !expected.includes(g)).sort(),
});

/** The cluster-wide permissions the operator needs with `types`: what it does, and what its Roles grant. */
const clusterWide = (types: readonly ResourceType[]): string[] => [
  ...uses(types.filter((type) => !type.ownNamespace)),
  ...grantedOn,
];

describe("the chart's RBAC is exactly what operator/src/kube/resources.ts says the operator does", () => {
  it('grants the ClusterRole every verb the operator uses, and what its Roles grant, and nothing else', () => {
    // GIVEN
    const clusterRole = grants(chartRules('clusterrole.yaml', 'ClusterRole'));

    // WHEN
    const { missing, extra } = missingAndExtra(clusterWide(resourceTypes), clusterRole);

    // THEN
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it("grants the leader-election Role only the Lease verbs, and only on the operator's own Lease but create", () => {
    const rules = chartRules('role.yaml', 'Role');
    const leases = resourceTypes.filter((type) => type.ownNamespace);
    expect(missingAndExtra(uses(leases), grants(rules))).toEqual({ missing: [], extra: [] });
    // a name is unknown before the object exists, so create cannot be narrowed to one
    const unnamed = rules.filter((rule) => !rule.resourceNames?.length);
    expect(unnamed.flatMap((rule) => rule.verbs)).toEqual(['create']);
  });

  it('fails when a kind is owned without a rule for it', () => {
    // GIVEN a CronJob added to the owned kinds, and the chart as it is
    const cronJob: ResourceType = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      plural: 'cronjobs',
      namespaced: true,
      owned: true,
      verbs: ['list', 'watch', 'create', 'patch', 'delete'],
    };

    // WHEN
    const { missing } = missingAndExtra(
      clusterWide([...resourceTypes, cronJob]),
      grants(chartRules('clusterrole.yaml', 'ClusterRole')),
    );

    // THEN
    expect(missing.filter((grant) => grant.startsWith('batch/'))).toEqual([
      'batch/cronjobs create',
      'batch/cronjobs delete',
      'batch/cronjobs list',
      'batch/cronjobs patch',
      'batch/cronjobs watch',
    ]);
  });

  it('owns every kind a ShopStack renders and the Jobs of its backups and restore, so each is watched', () => {
    const target = { shop: 'demo', namespace: 'shop', spec: parseSpec(fullShop), managedBy: 'shopstack-operator' };
    const owner = { apiVersion: 'shopstack.io/v1alpha1', kind: 'ShopStackBackup', name: 'b1', uid: 'u1' };
    const jobs = [backupJob(target, { name: 'b1', owner }), restoreJob(target, { backup: 'b1', owner })];
    const kinds = [...new Set([...rendered, ...jobs].map((o) => o.kind))].sort();
    expect(kinds.filter((kind) => !ownedKinds.includes(kind))).toEqual([]);
    expect(ownedKinds.filter((kind) => !kinds.includes(kind))).toEqual([]);
  });

  it('never needs to delete a Secret: every Secret a ShopStack renders is create-only, which sync never prunes', () => {
    const secrets = rendered.filter((o) => o.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.metadata.annotations?.[createOnlyAnnotation], secret.metadata.name).toBe('true');
    }
    expect(resourceTypes.find((type) => type.kind === 'Secret')?.verbs).not.toContain('delete');
  });
});
