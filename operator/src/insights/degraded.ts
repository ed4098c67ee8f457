import type { Symptom } from './symptoms.ts';

export interface DegradedVerdict {
  readonly degraded: boolean;
  readonly reason: string;
  readonly message: string;
}

/** Longest Degraded message: a condition's message is read in `kubectl get`/`describe`, not scrolled. */
const maxMessage = 1024;

/**
 * The Degraded condition: a problem with the spec or its objects comes first, then what the shop's pods
 * and metrics show. With several symptoms the reason is the first one's and the message lists them all.
 */
export function degradedVerdict(
  problem: Omit<Symptom, 'subject'> | undefined,
  symptoms: readonly Symptom[],
): DegradedVerdict {
  const all = [...(problem ? [problem] : []), ...symptoms];
  const first = all[0];
  if (!first) return { degraded: false, reason: 'AsExpected', message: 'no problems found' };
  const message = all.length === 1 ? first.message : `${all.length} problems: ${all.map((s) => s.message).join('; ')}`;
  return {
    degraded: true,
    reason: first.reason,
    message: message.length > maxMessage ? `${message.slice(0, maxMessage - 1)}…` : message,
  };
}

/**
 * Remembers which symptoms of each shop were announced as Events, so that one that lasts is announced
 * once (and again every `repeatMs` while it lasts), not on every reconcile: no event storm.
 */
export class SymptomLedger {
  readonly #repeatMs: number;
  readonly #seen = new Map<string, Map<string, number>>();

  constructor(opts: { readonly repeatMs: number }) {
    this.#repeatMs = opts.repeatMs;
  }

  /** The symptoms to announce now; forgets those that went away, so a recurrence is announced again. */
  due(shop: string, symptoms: readonly Symptom[], nowMs: number): Symptom[] {
    const before = this.#seen.get(shop) ?? new Map<string, number>();
    const after = new Map<string, number>();
    const due: Symptom[] = [];
    for (const symptom of symptoms) {
      const key = `${symptom.reason}/${symptom.subject}`;
      const last = before.get(key);
      if (last === undefined || nowMs - last >= this.#repeatMs) {
        due.push(symptom);
        after.set(key, nowMs);
      } else {
        after.set(key, last);
      }
    }
    if (after.size > 0) this.#seen.set(shop, after);
    else this.#seen.delete(shop);
    return due;
  }

  forget(shop: string): void {
    this.#seen.delete(shop);
  }
}
