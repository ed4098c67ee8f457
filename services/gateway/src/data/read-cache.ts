/** A public answer kept for a short while: status, the headers the gateway passes on, body. */
export interface CachedAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Encoded once: every hit sends the same bytes (encoding the list's JSON took a fifth of a hit's CPU). */
  readonly body: Buffer;
}

export interface ReadCache {
  get(key: string): CachedAnswer | undefined;
  /**
   * The answer of `fetch`, kept under `key` when a 200. Callers that miss `key` while it runs share it, so
   * an expired entry costs one call upstream, not one per request until the first answers; a fetch that
   * began before a clear() is neither kept nor shared, so a client reads its own write.
   */
  load(key: string, fetch: () => Promise<CachedAnswer>): Promise<CachedAnswer>;
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
  const loading = new Map<string, { generation: number; answer: Promise<CachedAnswer> }>();
  let generation = 0;
  const keep = (key: string, answer: CachedAnswer): void => {
    entries.delete(key);
    entries.set(key, { answer, expiresAt: now() + ttlMs });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt > now()) return entry.answer;
      entries.delete(key);
      return undefined;
    },
    load(key, fetch) {
      const pending = loading.get(key);
      if (ttlMs > 0 && pending?.generation === generation) return pending.answer;
      const began = generation;
      const answer = fetch().then((a) => {
        if (ttlMs > 0 && a.status === 200 && began === generation) keep(key, a);
        return a;
      });
      const done = (): void => {
        if (loading.get(key)?.answer === answer) loading.delete(key);
      };
      answer.then(done, done);
      loading.set(key, { generation: began, answer });
      return answer;
    },
    clear() {
      generation++;
      entries.clear();
    },
  };
}
