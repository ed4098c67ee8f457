import { shopStackSpecSchema } from '@shopstack/cdk8s';
import { z } from 'zod';
import { backupSpecSchema, backupStatusSchema } from './backup.ts';
import { shopStackStatusSchema } from './status.ts';

export const group = 'shopstack.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;
export const crdName = `shopstacks.${group}`;
export const backupCrdName = `shopstackbackups.${group}`;

type Schema = Record<string, unknown>;

// zod bounds every integer by ±2^53; Kubernetes needs no such bounds, and they only clutter `kubectl explain`
function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if (key === '$schema') continue;
    out[key] = structural(value);
  }
  return out;
}

function openApi(schema: z.ZodType): Schema {
  return structural(z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0' })) as Schema;
}

/** The ShopStack CustomResourceDefinition, generated from the zod schemas of the spec and status. */
export function shopStackCrd(): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName, labels: { 'app.kubernetes.io/part-of': 'shopstack' } },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind: 'ShopStack',
        listKind: 'ShopStackList',
        plural: 'shopstacks',
        singular: 'shopstack',
        shortNames: ['shop'],
        categories: ['shopstack'],
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Services', type: 'string', jsonPath: '.status.readyServices', priority: 1 },
            { name: 'Version', type: 'string', jsonPath: '.spec.version' },
            { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A complete ShopStack shop: services, data stores, Dapr wiring and ingress.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApi(shopStackSpecSchema),
                status: openApi(shopStackStatusSchema),
              },
              'x-kubernetes-validations': [
                {
                  rule: "size(self.metadata.name) <= 40 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
                  message:
                    'metadata.name must be a DNS label of at most 40 characters starting with a letter (it prefixes the names of the shop objects)',
                },
              ],
            },
          },
        },
      ],
    },
  };
}

/** The ShopStackBackup CustomResourceDefinition: one backup of a shop's managed database. */
export function shopStackBackupCrd(): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: backupCrdName, labels: { 'app.kubernetes.io/part-of': 'shopstack' } },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind: 'ShopStackBackup',
        listKind: 'ShopStackBackupList',
        plural: 'shopstackbackups',
        singular: 'shopstackbackup',
        // no category: `shopstack` is the ShopStack's category, and a second kind in it would make
        // `kubectl delete shopstack <name>` match two kinds
        shortNames: ['shopbackup'],
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Shop', type: 'string', jsonPath: '.spec.shopStack' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Start', type: 'date', jsonPath: '.status.startTime' },
            { name: 'End', type: 'date', jsonPath: '.status.completionTime' },
            { name: 'Size', type: 'string', jsonPath: '.status.size' },
            { name: 'Databases', type: 'string', jsonPath: '.status.databases', priority: 1 },
            { name: 'Reason', type: 'string', jsonPath: '.status.reason', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                "A logical backup (pg_dump) of every database of a ShopStack's managed Postgres, on its own volume.",
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApi(backupSpecSchema),
                status: openApi(backupStatusSchema),
              },
              'x-kubernetes-validations': [
                {
                  rule: "size(self.metadata.name) <= 50 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
                  message:
                    'metadata.name must be a DNS label of at most 50 characters starting with a letter (it names the backup volume and Job)',
                },
              ],
            },
          },
        },
      ],
    },
  };
}
