// vitest globalSetup of the `cluster` project: every kind test file shares one cluster. The first file to
// call sharedCluster() creates it (or starts or reuses it) and records what it found; after the last file
// the cluster is left as it was found: deleted if this run created it, stopped if this run started it.
// What the cluster runs is built in the background from the run's start (tests/support/cluster-build.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ClusterFound, leaveClusterAsFound } from '../../scripts/cluster/kind.ts';
import { killAllNow } from '../../scripts/common/proc.ts';
import { type ClusterBuildFiles, startClusterBuild } from '../support/cluster-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the first sharedCluster() call writes what it found ('none', 'stopped' or 'running'). */
    clusterFoundFile: string;
    /** The background build of what the cluster runs, which the first sharedCluster() call waits for. */
    clusterBuild: ClusterBuildFiles;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-cluster-run-'));
  const foundFile = join(dir, 'found');
  project.provide('clusterFoundFile', foundFile);
  const build = startClusterBuild(dir);
  project.provide('clusterBuild', build.files);
  // an interrupted run does not leave the build running
  process.once('exit', killAllNow);
  return async () => {
    await build.stop();
    if (existsSync(foundFile)) {
      const found = readFileSync(foundFile, 'utf8') as ClusterFound;
      console.error(`[cluster] the run found the cluster ${found}; leaving it so`);
      await leaveClusterAsFound(found, { progress: (line) => console.error(`[cluster] ${line}`) });
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
