// vitest globalSetup of the `cluster` project: every kind test file shares one cluster. The first file to
// call sharedCluster() creates it (or starts or reuses it) and records what it found; after the last file
// the cluster is left as it was found: deleted if this run created it, stopped if this run started it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ClusterFound, leaveClusterAsFound } from '../../scripts/cluster/kind.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the first sharedCluster() call writes what it found ('none', 'stopped' or 'running'). */
    clusterFoundFile: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-cluster-run-'));
  const foundFile = join(dir, 'found');
  project.provide('clusterFoundFile', foundFile);
  return async () => {
    if (existsSync(foundFile)) {
      const found = readFileSync(foundFile, 'utf8') as ClusterFound;
      console.error(`[cluster] the run found the cluster ${found}; leaving it so`);
      await leaveClusterAsFound(found, { progress: (line) => console.error(`[cluster] ${line}`) });
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
