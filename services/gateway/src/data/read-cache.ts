/** A public answer kept for a short while: status, the headers the gateway passes on, body. */
export interface CachedAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Encoded once: every hit sends the same bytes (encoding the list's JSON took a fifth of a hit's CPU). */
  readonly body: Buffer;
}

export interface ReadCache {
  /** The answer kept under `key` while it is fresh. */
  get(key: string): CachedAnswer | undefined;
  /**
   * The answer for `key`: the kept one while fresh. Once it has expired, still the kept one for up to
   * another `ttlMs` while one `load` fetches its successor in the background (stale-while-revalidate), so
   * no request waits for a refetch of a busy entry; past that, or with nothing kept, the answer of `load`.
   */
  read(key: string, fetch: () => Promise<CachedAnswer>): CachedAnswer | Promise<CachedAnswer>;
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
 * A micro-cache of public reads, in process. Each entry is fresh for `ttlMs` (0 turns the cache off) and
 * served stale for another `ttlMs` at most while it is fetched again; the oldest entries go first beyond
 * `maxEntries`. Writes through this gateway clear it, so a client sees its own change on the next read;
 * another gateway replica serves the old answer for `ttlMs` plus the time a refetch takes (2 × `ttlMs` at
 * most, when the refetch fails).
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
  function get(key: string): CachedAnswer | undefined {
    const entry = entries.get(key);
    return entry && entry.expiresAt > now() ? entry.answer : undefined;
  }

  function load(key: string, fetch: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
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
  }

  return {
    get,
    load,
    read(key, fetch) {
      const entry = entries.get(key);
      if (!entry) return load(key, fetch);
      const age = now() - entry.expiresAt;
      if (age < 0) return entry.answer;
      if (age < ttlMs) {
        // a failed refetch shows to the first caller once the entry is too old to serve
        load(key, fetch).catch(() => undefined);
        return entry.answer;
      }
      entries.delete(key);
      return load(key, fetch);
    },
    clear() {
      generation++;
      entries.clear();
    },
  };
}
