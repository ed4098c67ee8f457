import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const runtimesDir = resolve(import.meta.dirname, '../runtimes');

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

/** Runs scripts/runtimes/<script>, streaming its progress lines to stderr. */
export function runBuildScript(script: string): Promise<void> {
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
