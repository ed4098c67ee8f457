import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

describe('synth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-synth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes static manifests without generated credentials, and the credentials to a private file of their own', () => {
    // WHEN
    execFileSync(process.execPath, [
      join(import.meta.dirname, 'synth.ts'),
      '--out',
      join(dir, 'manifests'),
      '--secrets-out',
      join(dir, 'secrets.yaml'),
    ]);

    // THEN
    const kinds = parseAllDocuments(readFileSync(join(dir, 'manifests/demo.k8s.yaml'), 'utf8')).map(
      (doc) => (doc.toJS() as { kind: string }).kind,
    );
    expect(kinds).toContain('Deployment');
    expect(kinds).not.toContain('Secret');
    // kubectl reads YAML 1.1: Redis's `--appendonly yes` must stay a string there too
    const manifest = readFileSync(join(dir, 'manifests/demo.k8s.yaml'), 'utf8');
    const read = (version: '1.1' | '1.2') => parseAllDocuments(manifest, { version }).map((doc) => doc.toJS());
    expect(read('1.1')).toEqual(read('1.2'));
    expect(manifest).toContain('- "yes"');
    const secrets = parseAllDocuments(readFileSync(join(dir, 'secrets.yaml'), 'utf8'));
    expect(secrets.map((doc) => (doc.toJS() as { kind: string }).kind)).toEqual(Array(4).fill('Secret'));
    expect(statSync(join(dir, 'secrets.yaml')).mode & 0o777).toBe(0o600);
  });
});
