import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const runtimesDir = import.meta.dirname;

/** Versions pinned in scripts/runtimes/versions.env. */
export const versions: Readonly<Record<string, string>> = Object.fromEntries(
  readFileSync(join(runtimesDir, 'versions.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=') as [string, string]),
);

export const cacheDir: string = process.env.SHOPSTACK_CACHE ?? join(homedir(), '.cache', 'shopstack');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` among `dirs`, or undefined. */
export function findBinary(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

export function pathDirs(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean);
}

/**
 * Disk a build from nothing fills, measured by a cold `.ci/run` (2026-12-07): Go's module cache 16 GB,
 * its build cache 23 GB, Docker's images 5 GB before the kind node loads them, ~/.cache/shopstack 3 GB.
 */
export const coldBuildDiskBytes = 50e9;

/** What to tell someone about to build with `freeBytes` of disk left, or undefined when it is plenty. */
export function lowDiskWarning(freeBytes: number): string | undefined {
  if (freeBytes >= coldBuildDiskBytes) return undefined;
  const gb = (bytes: number): string => `${Math.floor(bytes / 1e9)} GB`;
  return (
    `warning: ${gb(freeBytes)} of disk free under ${homedir()}; building every runtime from nothing fills ` +
    `about ${gb(coldBuildDiskBytes)} (Go's module and build caches, Docker's images). A build that runs out ` +
    `stops with "no space left on device"; \`go clean -cache\` frees Go's build cache once the binaries are built.`
  );
}

let diskChecked = false;

/** Runs scripts/runtimes/<script>, streaming its progress lines to stderr. */
export function runBuildScript(script: string): Promise<void> {
  if (!diskChecked) {
    diskChecked = true;
    const { bavail, bsize } = statfsSync(homedir());
    const warning = lowDiskWarning(bavail * bsize);
    if (warning) console.error(warning);
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(runtimesDir, script)], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => reject(new Error(`cannot run ${script}: ${err.message}`)));
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${script} failed with exit code ${code}; see the output above`)),
    );
  });
}

export interface BinaryRecipe {
  /** The executable's name, e.g. `kind`. */
  readonly name: string;
  /** Its folder under the cache (`<cacheDir>/<folder>/bin`), e.g. `kind-v0.33.0`. */
  readonly folder: string;
  /** The script under scripts/runtimes that builds it there. */
  readonly script: string;
  /** `path`: the user's copy on PATH wins; `cache`: ours wins, PATH is the fallback; `only-cache`: ours only. */
  readonly prefer: 'path' | 'cache' | 'only-cache';
}

/** A runtime binary from PATH or the cache (per `prefer`); builds it with its script when missing. */
export async function ensureBinary(recipe: BinaryRecipe, log: (line: string) => void = console.error): Promise<string> {
  const cached = join(cacheDir, recipe.folder, 'bin');
  const dirs = { path: [...pathDirs(), cached], cache: [cached, ...pathDirs()], 'only-cache': [cached] }[recipe.prefer];
  const found = findBinary(recipe.name, dirs);
  if (found) return found;
  log(`${recipe.name}: not found; building ${recipe.folder} from its Go module (scripts/runtimes/${recipe.script})`);
  await runBuildScript(recipe.script);
  const built = findBinary(recipe.name, [cached]);
  if (!built) throw new Error(`${recipe.script} succeeded but left no ${recipe.name} in ${cached}`);
  return built;
}

/** helm: the user's on PATH, else ours (scripts/runtimes/build-helm.sh). */
export const helmRecipe: BinaryRecipe = {
  name: 'helm',
  folder: `helm-${versions.HELM_VERSION}`,
  script: 'build-helm.sh',
  prefer: 'path',
};

/** kube-score, the manifest scanner of the scan gate: ours only, so every machine scores with the pinned rules. */
export const kubeScoreRecipe: BinaryRecipe = {
  name: 'kube-score',
  folder: `kube-score-${versions.KUBE_SCORE_VERSION}`,
  script: 'build-kube-score.sh',
  prefer: 'only-cache',
};

/** trivy (`trivy config`, offline, embedded checks) for the scan gate: ours only, its checks are pinned by its version. */
export const trivyRecipe: BinaryRecipe = {
  name: 'trivy',
  folder: `trivy-${versions.TRIVY_VERSION}`,
  script: 'build-trivy.sh',
  prefer: 'only-cache',
};

/** promtool: ours only, at the pinned version (scripts/runtimes/build-promtool.sh); it tests the alerting rules. */
export const promtoolRecipe: BinaryRecipe = {
  name: 'promtool',
  folder: `promtool-${versions.PROMETHEUS_MODULE_VERSION}`,
  script: 'build-promtool.sh',
  prefer: 'only-cache',
};
