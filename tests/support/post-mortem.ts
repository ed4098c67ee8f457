// What a failed integration test leaves for a post-mortem: CI keeps only the test output, so the last
// warnings and errors of every process log of the failed file's stack are printed there (and the
// stack's dir is kept).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let failed = false;

/** Registered for every test by tests/support/setup.ts. */
export function markFailed(): void {
  failed = true;
}

/** Whether a test of the current file has failed so far. */
export function anyTestFailed(): boolean {
  return failed;
}

const TAIL_LINES = 15;
const LINE_CHARS = 400;
/** Warnings and worse: pino (level 40+), daprd (JSON), Postgres, Redis. */
const WARNING = /"level":(?:[4-6]\d|"(?:warning|error|fatal)")|\b(?:WARNING|ERROR|FATAL|PANIC):/;

/** Prints the last warnings and errors of each log under `<dir>/logs` to stderr, headed by why and where. */
export function printLogTails(dir: string, why: string): void {
  const logs = join(dir, 'logs');
  const files = existsSync(logs) ? readdirSync(logs).filter((f) => f.endsWith('.log')) : [];
  const sections = files.sort().flatMap((file) => {
    const lines = readFileSync(join(logs, file), 'utf8')
      .split('\n')
      .filter((l) => WARNING.test(l));
    if (!lines.length) return [];
    const tail = lines.slice(-TAIL_LINES).map((l) => l.slice(0, LINE_CHARS));
    return [`--- ${file}: last ${tail.length} of ${lines.length} warnings and errors`, ...tail];
  });
  const found = sections.length ? 'the last warnings and errors of its logs:' : 'no warnings or errors in its logs';
  console.error([`${why}: kept ${dir}; ${found}`, ...sections].join('\n'));
}
