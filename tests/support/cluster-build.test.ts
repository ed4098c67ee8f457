import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClusterBuildFiles, clusterBuilt } from './cluster-build.ts';

describe('waiting for the background build of what the cluster runs', () => {
  let dir: string;
  let files: ClusterBuildFiles;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shopstack-cluster-build-'));
    files = { logFile: join(dir, 'build.log'), statusFile: join(dir, 'build.status') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits until the build has ended, then prints its output once', async () => {
    writeFileSync(files.logFile, 'images: keda built in 414s\n');
    const lines: string[] = [];
    const waiting = clusterBuilt(files, (line) => lines.push(line));
    let ended = false;
    void waiting.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 2500));
    expect(ended).toBe(false);
    writeFileSync(files.statusFile, '0');
    await waiting;
    expect(lines.join('\n')).toContain('images: keda built in 414s');
    const again: string[] = [];
    await clusterBuilt(files, (line) => again.push(line));
    expect(again).toEqual([]);
  });

  it('fails with the end of its output when the build failed', async () => {
    writeFileSync(files.logFile, 'kind: node image built\nerror: building traefik failed: no space left on device\n');
    writeFileSync(files.statusFile, '1');
    await expect(clusterBuilt(files, () => undefined)).rejects.toThrow(
      /exit 1.*\n(.*\n)*error: building traefik failed: no space left on device/,
    );
  });
});
