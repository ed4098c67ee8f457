import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '..');
/** Checked-in YAML that kubectl, Helm or daprd read (chart templates are Go templates, checked by helm template). */
const folders = ['components', 'operator/crd', 'operator/examples', 'charts/shopstack-operator/crds'];
const files = [
  ...folders.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => join(folder, name)),
  ),
  'charts/shopstack-operator/Chart.yaml',
  'charts/shopstack-operator/values.yaml',
  'kind-config.yaml',
];

const read = (file: string, version: '1.1' | '1.2') =>
  parseAllDocuments(readFileSync(join(root, file), 'utf8'), { version }).map((doc) => doc.toJS());

describe('checked-in YAML', () => {
  it.each(files.map((file) => relative(root, join(root, file))))('%s means the same in YAML 1.1 and 1.2', (file) => {
    expect(read(file, '1.1')).toEqual(read(file, '1.2'));
  });
});
