import { readFileSync } from 'node:fs';

/** An error for a process that did not come up, carrying the end of its log so CI output explains why. */
export function startFailure(what: string, logFile: string, cause: unknown): Error {
  let tail = '';
  try {
    tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
  } catch {
    // no log yet: the process never ran
  }
  return new Error(`${what} did not start (log: ${logFile})${tail ? `; its last lines:\n${tail}` : ''}`, { cause });
}
