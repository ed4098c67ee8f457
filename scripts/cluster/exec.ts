import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command after this long; its result then has a non-zero code. Default: none. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin (closed after it). Default: stdin closed at once. */
  readonly input?: string;
}

/** Runs a command to completion and reports its exit code instead of throwing on failure. */
export function exec(command: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr || (err && code !== 0 ? err.message : '') });
      },
    );
    // A command that exits without reading its stdin closes the pipe (EPIPE): its exit code says how it went.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs a command and returns its trimmed stdout, or throws with `what` and the command's stderr. */
export async function execOrThrow(
  what: string,
  command: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<string> {
  const result = await exec(command, args, opts);
  if (result.code !== 0) throw new Error(`${what} failed: ${lastLines(result.stderr || result.stdout)}`);
  return result.stdout.trim();
}

export function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** Runs a command, passing each line it prints (stdout and stderr) to `onLine`; rejects on a non-zero exit. */
export function execStreaming(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: ExecOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 10) tail.shift();
        onLine(line);
      });
    }
    child.once('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${command} ${args[0] ?? ''} failed (${signal ?? `exit code ${code}`}): ${tail.join('\n')}`),
          ),
    );
  });
}
