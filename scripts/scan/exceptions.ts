// security/scan-exceptions.yaml: the scanners' findings we keep, each with its reason. The gate fails on a
// finding no exception covers, and on an exception that covers no finding (stale).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { repoRoot } from './inputs.ts';
import type { Finding } from './scanners.ts';

export const exceptionsFile = 'security/scan-exceptions.yaml';

const exceptionSchema = z.strictObject({
  scanner: z.enum(['kube-score', 'trivy']),
  rule: z.string().min(1),
  /** `<source>/<Kind>.<name>` or `dockerfiles/<path>`; `*` matches within one path segment, `**` across them. */
  object: z.string().min(1),
  /** A part of the scanner's message, when the rule covers several things and only one is accepted. */
  message: z.string().min(1).optional(),
  reason: z.string().min(10, 'say why the finding is kept'),
});
export type ScanException = z.infer<typeof exceptionSchema>;

export function readExceptions(file = join(repoRoot, exceptionsFile)): ScanException[] {
  const parsed = z.array(exceptionSchema).safeParse(parse(readFileSync(file, 'utf8')) ?? []);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*|\*/g, (star) => (star === '**' ? '.*' : '[^/]*'));
  return new RegExp(`^${escaped}$`);
}

export function covers(exception: ScanException, finding: Finding): boolean {
  return (
    exception.scanner === finding.scanner &&
    exception.rule === finding.rule &&
    globToRegExp(exception.object).test(finding.object) &&
    (exception.message === undefined || finding.message.includes(exception.message))
  );
}

export interface GateResult {
  /** Findings no exception covers. */
  readonly uncovered: Finding[];
  /** Exceptions that cover no finding. */
  readonly stale: ScanException[];
}

export function gate(findings: readonly Finding[], exceptions: readonly ScanException[]): GateResult {
  return {
    uncovered: findings.filter((f) => !exceptions.some((e) => covers(e, f))),
    stale: exceptions.filter((e) => !findings.some((f) => covers(e, f))),
  };
}

export const describeFinding = (f: Finding): string => `${f.scanner} ${f.rule} ${f.object}: ${f.message}`;
