import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shopStackBackupCrd, shopStackCrd } from './crd.ts';
import { crdSources, renderCrdYaml } from './files.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CRD is plain JSON
const version = (shopStackCrd() as any).spec.versions[0];

describe('ShopStack CRD', () => {
  it('the checked-in CRD files match the schema they are generated from', async () => {
    for (const source of crdSources) {
      const expected = await renderCrdYaml(source);
      for (const file of source.files)
        expect(readFileSync(file, 'utf8'), `${file}: run npm run crd -w @shopstack/operator`).toBe(expected);
    }
  });

  it('has a status subresource, a short name and the Ready, Version and Age columns', () => {
    expect(version.subresources).toEqual({ status: {} });
    expect((shopStackCrd() as { spec: { names: { shortNames: string[] } } }).spec.names.shortNames).toEqual(['shop']);
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['Ready', 'Version', 'Age']),
    );
  });

  it('is structural: every property has a type, and defaults come from the zod schema', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    const untyped: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      if (!node.type && !node['x-kubernetes-preserve-unknown-fields']) untyped.push(path);
      for (const [key, child] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {})) {
        walk(child, `${path}.${key}`);
      }
    };
    walk(spec, 'spec');
    expect(untyped).toEqual([]);
    // no default: unset replicas are 1 when rendered, and refused with autoscaling
    expect(spec.properties.services.properties.orders.properties.replicas).not.toHaveProperty('default');
    expect(spec.properties.services.properties.orders.properties.replicas).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 20,
    });
    expect(spec.properties.database['x-kubernetes-validations'][0].fieldPath).toBe('.external');
  });
});

describe('ShopStackBackup CRD', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CRD is plain JSON
  const backup = (shopStackBackupCrd() as any).spec.versions[0];

  it('shows phase, start, end and size in kubectl get', () => {
    expect(backup.subresources).toEqual({ status: {} });
    const columns = backup.additionalPrinterColumns.map((c: { name: string; jsonPath: string }) => [
      c.name,
      c.jsonPath,
    ]);
    expect(columns).toEqual(
      expect.arrayContaining([
        ['Phase', '.status.phase'],
        ['Start', '.status.startTime'],
        ['End', '.status.completionTime'],
        ['Size', '.status.size'],
      ]),
    );
  });

  it('requires the ShopStack it backs up, and keeps its spec immutable', () => {
    const spec = backup.schema.openAPIV3Schema.properties.spec;
    expect(spec.required).toEqual(['shopStack']);
    expect(spec['x-kubernetes-validations'][0].rule).toBe('self == oldSelf');
    expect(backup.schema.openAPIV3Schema.properties.status.properties.phase.enum).toEqual([
      'Pending',
      'Running',
      'Succeeded',
      'Failed',
    ]);
  });
});
