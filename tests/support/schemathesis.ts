// Schemathesis, the third-party OpenAPI fuzzer of tests/schemathesis.test.ts: pinned in tests/requirements.txt.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const requirements = join(resolve(import.meta.dirname, '..'), 'requirements.txt');

/** The pinned version, e.g. `4.32.5`. */
export const schemathesisVersion: string =
  /^schemathesis==(\S+)$/m.exec(readFileSync(requirements, 'utf8'))?.[1] ??
  ((): never => {
    throw new Error(`${requirements} pins no schemathesis version`);
  })();

/** Runs the CLI through the interpreter pip installed it for, whatever scripts directory is on PATH. */
export const schemathesisCommand: readonly string[] = ['python3', '-m', 'schemathesis.cli'];

function installedVersion(): string | undefined {
  const [command, ...args] = schemathesisCommand as [string, ...string[]];
  const result = spawnSync(command, [...args, '--version'], { encoding: 'utf8' });
  return result.status === 0 ? /version (\S+)/.exec(result.stdout)?.[1] : undefined;
}

/** Installs the pinned schemathesis with pip when it is missing or another version, saying so on `say`. */
export function ensureSchemathesis(say: (line: string) => void): void {
  const found = installedVersion();
  if (found === schemathesisVersion) return;
  const install = ['-m', 'pip', 'install', '--quiet', '-r', requirements];
  if (spawnSync('python3', ['-m', 'pip', '--version']).status !== 0) {
    throw new Error(`schemathesis ${schemathesisVersion} is needed; run: python3 ${install.join(' ')}`);
  }
  say(
    `installing schemathesis==${schemathesisVersion} with pip (${found ? `found ${found}` : 'missing'}): ` +
      'the OpenAPI fuzzer of tests/schemathesis.test.ts',
  );
  execFileSync('python3', install, { stdio: ['ignore', 2, 2] });
}
