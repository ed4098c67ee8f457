/** Exponential delay with full jitter, so many failing callers do not retry in lockstep. */
export function backoffDelay(attempt: number, opts: { baseMs: number; maxMs: number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
