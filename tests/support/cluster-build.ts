// What the kind cluster runs (kind, its node image, every image: `npm run cluster -- --prepare`) is built in
// the background from the start of a test run, at the lowest CPU priority. From nothing that build takes
// about 28 minutes; the unit and integration tests, which run first, leave about 70% of the CPU idle, and
// the build takes that share. The cluster project's first sharedCluster() waits for the rest.
// When everything is built already, the build ends within seconds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastLines } from '../../scripts/cluster/exec.ts';
import { startProc } from '../../scripts/common/proc.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Where the background build writes its output and, once it has ended, its exit status. */
export interface ClusterBuildFiles {
  readonly logFile: string;
  readonly statusFile: string;
}

export interface ClusterBuild {
  readonly files: ClusterBuildFiles;
  /** Stops the build (its whole process group) when it still runs: a run without cluster tests left. */
  stop(): Promise<void>;
}

/** Starts `npm run cluster -- --prepare` under `nice -n 19`, its output in `dir`/build.log. */
export function startClusterBuild(dir: string): ClusterBuild {
  const files = { logFile: join(dir, 'build.log'), statusFile: join(dir, 'build.status') };
  const proc = startProc({
    name: 'the cluster build',
    command: 'nice',
    args: ['-n', '19', process.execPath, join(repoRoot, 'scripts/cluster.ts'), '--prepare'],
    cwd: repoRoot,
    logFile: files.logFile,
  });
  void proc.exited.then((status) => writeFileSync(files.statusFile, String(status)));
  return { files, stop: () => proc.stop() };
}

const reportEveryMs = 60_000;

/** A line of the build's own, not the go command's chatter (`go: downloading …`, minutes before a build ends). */
const isStepLine = (line: string): boolean => line.trim() !== '' && !line.startsWith('go: ');

/**
 * Resolves once the background build has succeeded, reporting its progress every minute meanwhile; the
 * first caller after it ended prints its whole output (each step's seconds). Fails with the end of its
 * output when it failed.
 */
export async function clusterBuilt(files: ClusterBuildFiles, progress: (line: string) => void): Promise<void> {
  const began = Date.now();
  let reported = began;
  while (!existsSync(files.statusFile)) {
    if (Date.now() - reported >= reportEveryMs) {
      reported = Date.now();
      const minutes = Math.round((reported - began) / 60_000);
      const step = readFileSync(files.logFile, 'utf8').split('\n').findLast(isStepLine) ?? 'starting';
      progress(`[cluster build] waited ${minutes} min for the build in the background; its last step: ${step}`);
    }
    await sleep(2000);
  }
  const status = readFileSync(files.statusFile, 'utf8');
  const output = readFileSync(files.logFile, 'utf8');
  if (status !== '0') {
    throw new Error(
      `building what the cluster runs failed (exit ${status}); the end of its output (${files.logFile}):\n` +
        lastLines(output, 20),
    );
  }
  const shownFile = `${files.statusFile}.shown`;
  if (!existsSync(shownFile)) {
    writeFileSync(shownFile, '');
    progress(`[cluster build] built in the background (${files.logFile}):\n${output.trimEnd()}`);
  }
}
