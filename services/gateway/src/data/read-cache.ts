/** A public answer kept for a short while: status, the headers the gateway passes on, body. */
export interface CachedAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Encoded once: every hit sends the same bytes (encoding the list's JSON took a fifth of a hit's CPU). */
  readonly body: Buffer;
}

export interface ReadCache {
  get(key: string): CachedAnswer | undefined;
  /** Which clear() a read started after; pass it to set() so that a read older than a write is not kept. */
  generation(): number;
  set(key: string, answer: CachedAnswer, generation: number): void;
  /** Forgets everything: called after every write through this gateway, so its own reads see it at once. */
  clear(): void;
}

/**
 * A micro-cache of public reads, in process. Each entry lives `ttlMs` (0 turns the cache off); the
 * oldest entries go first beyond `maxEntries`. Writes through this gateway clear it, so a client sees
 * its own change on the next read; another gateway replica serves the old answer for at most `ttlMs`.
 */
export function createReadCache(ttlMs: number, maxEntries = 1_000, now = Date.now): ReadCache {
  const entries = new Map<string, { answer: CachedAnswer; expiresAt: number }>();
  let cleared = 0;
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt > now()) return entry.answer;
      entries.delete(key);
      return undefined;
    },
    generation: () => cleared,
    set(key, answer, generation) {
      if (ttlMs <= 0 || generation !== cleared) return;
      entries.delete(key);
      entries.set(key, { answer, expiresAt: now() + ttlMs });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    clear() {
      cleared++;
      entries.clear();
    },
  };
}
