// Runs kube-score and `trivy config` over the scan inputs (inputs.ts) and reads their JSON reports as
// findings: one per rule, object and (for kube-score) container.
import { execFile } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { versions } from '../runtimes/binaries.ts';
import type { ScanInputs } from './inputs.ts';

export type Scanner = 'kube-score' | 'trivy';

export interface Finding {
  readonly scanner: Scanner;
  /** kube-score's check id (e.g. container-resources) or trivy's check id (e.g. KSV-0014). */
  readonly rule: string;
  /** The scanned file without `.yaml`: `<source>/<Kind>.<name>`, or `dockerfiles/<repository path>`. */
  readonly object: string;
  /** What the scanner says, with the container it concerns when it names one. */
  readonly message: string;
}

const run = promisify(execFile);
const maxBuffer = 64 * 1024 * 1024;
/** A scanned file, relative to the scan folder, without `.yaml`. */
const objectOf = (dir: string, file: string): string => relative(dir, resolve(dir, file)).replace(/\.yaml$/, '');

interface KubeScoreObject {
  file_name: string;
  checks: {
    check: { id: string; name: string };
    grade: number;
    skipped: boolean;
    comments: { path: string; summary: string }[] | null;
  }[];
}

/** kube-score's grades: 1 critical, 5 warning, 7 almost OK, 10 OK. It passes 7 and 10; so do we. */
const failing = 5;

export async function kubeScore(binary: string, dir: string, inputs: ScanInputs): Promise<Finding[]> {
  const args = ['score', '--output-format', 'json', '--kubernetes-version', 'v1.34', ...inputs.manifests];
  // exit code 1 means "critical findings"; the report says which
  const { stdout } = await run(binary, args, { cwd: dir, maxBuffer }).catch(
    (err: { code?: number; stdout?: string; stderr?: string }) => {
      if (err.code === 1 && err.stdout?.startsWith('[')) return { stdout: err.stdout };
      throw new Error(`kube-score failed (exit ${err.code}): ${err.stderr ?? err}`);
    },
  );
  return (JSON.parse(stdout) as KubeScoreObject[]).flatMap((object) =>
    object.checks
      .filter((c) => !c.skipped && c.grade <= failing)
      .flatMap((c) =>
        (c.comments?.length ? c.comments : [{ path: '', summary: c.check.name }]).map((comment) => ({
          scanner: 'kube-score' as const,
          rule: c.check.id,
          object: objectOf(dir, object.file_name),
          message: comment.path ? `${comment.path}: ${comment.summary}` : comment.summary,
        })),
      ),
  );
}

interface TrivyReport {
  Results?: {
    Target: string;
    Misconfigurations?: { ID: string; Title: string; Message: string; Status: string }[];
  }[];
}

/**
 * `trivy config` with the checks built into the binary, and nothing fetched: no check bundle, no
 * vulnerability database, no version notice, no telemetry (the gate runs offline).
 */
export function trivyArgs(dir: string, cacheDir: string): string[] {
  return [
    'config',
    '--format',
    'json',
    '--quiet',
    '--skip-check-update',
    '--skip-version-check',
    '--disable-telemetry',
    '--cache-dir',
    cacheDir,
    dir,
  ];
}

export async function trivy(binary: string, dir: string, cacheDir: string): Promise<Finding[]> {
  const { stdout } = await run(binary, trivyArgs(dir, cacheDir), { cwd: dir, maxBuffer }).catch(
    (err: { code?: number; stderr?: string }) => {
      throw new Error(`trivy ${versions.TRIVY_VERSION} failed (exit ${err.code}): ${err.stderr ?? err}`);
    },
  );
  return ((JSON.parse(stdout) as TrivyReport).Results ?? []).flatMap((result) =>
    (result.Misconfigurations ?? [])
      .filter((m) => m.Status === 'FAIL')
      .map((m) => ({
        scanner: 'trivy' as const,
        rule: m.ID,
        object: objectOf(dir, result.Target),
        message: `${m.Title}: ${m.Message}`,
      })),
  );
}

/** Both scanners over the inputs written in `dir`; trivy keeps its (empty) cache in `trivyCache`. */
export async function scan(
  binaries: { kubeScore: string; trivy: string },
  dirs: { inputs: string; trivyCache: string },
  inputs: ScanInputs,
): Promise<Finding[]> {
  const [scored, configs] = await Promise.all([
    kubeScore(binaries.kubeScore, dirs.inputs, inputs),
    trivy(binaries.trivy, dirs.inputs, dirs.trivyCache),
  ]);
  return [...scored, ...configs];
}
