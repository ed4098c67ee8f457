import { describe, expect, it } from 'vitest';
import { type CachedAnswer, createReadCache } from './read-cache.ts';

const answer = (body: string, status = 200): CachedAnswer => ({
  status,
  headers: [['etag', '"1"']],
  body: Buffer.from(body),
});

/** A fetch the test settles by hand (every call it started), counting how often it was started. */
function deferredFetch() {
  const settles: ((a: CachedAnswer) => void)[] = [];
  const fetch = {
    calls: 0,
    run: (): Promise<CachedAnswer> => {
      fetch.calls++;
      return new Promise((resolve) => settles.push(resolve));
    },
  };
  return { fetch, settle: (a: CachedAnswer) => settles.forEach((settle) => settle(a)) };
}

const bodyOf = (a: CachedAnswer | undefined): string | undefined => a?.body.toString();

describe('read cache', () => {
  it('serves an entry until its time is up, then asks again', async () => {
    let t = 0;
    const cache = createReadCache(1_000, 10, () => t);
    await cache.load('/p/1', async () => answer('a'));
    t = 999;
    expect(bodyOf(cache.get('/p/1'))).toBe('a');
    t = 1_000;
    expect(cache.get('/p/1')).toBeUndefined();
  });

  it('forgets everything on clear (a write through this gateway)', async () => {
    const cache = createReadCache(1_000);
    await cache.load('/p/1', async () => answer('a'));
    await cache.load('/p?limit=2', async () => answer('b'));
    cache.clear();
    expect([cache.get('/p/1'), cache.get('/p?limit=2')]).toEqual([undefined, undefined]);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = createReadCache(1_000, 2);
    for (const key of ['a', 'b', 'c']) await cache.load(key, async () => answer(key));
    expect([cache.get('a'), bodyOf(cache.get('b')), bodyOf(cache.get('c'))]).toEqual([undefined, 'b', 'c']);
  });

  it('with a ttl of 0 keeps nothing and shares nothing', async () => {
    const cache = createReadCache(0);
    const { fetch, settle } = deferredFetch();
    const first = cache.load('a', fetch.run);
    const second = cache.load('a', fetch.run);
    settle(answer('a'));
    await Promise.all([first, second]);
    expect(fetch.calls).toBe(2);
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps only a 200', async () => {
    const cache = createReadCache(1_000);
    expect((await cache.load('/p/x', async () => answer('gone', 404))).status).toBe(404);
    expect(cache.get('/p/x')).toBeUndefined();
  });

  it('callers that miss a key while it is fetched share the one fetch', async () => {
    const cache = createReadCache(1_000);
    const { fetch, settle } = deferredFetch();
    const waiting = [cache.load('/p', fetch.run), cache.load('/p', fetch.run), cache.load('/p', fetch.run)];
    settle(answer('list'));
    expect((await Promise.all(waiting)).map(bodyOf)).toEqual(['list', 'list', 'list']);
    expect(fetch.calls).toBe(1);
    expect(bodyOf(cache.get('/p'))).toBe('list');
  });

  it('a failed fetch fails its sharers, is not kept, and the next miss fetches again', async () => {
    const cache = createReadCache(1_000);
    let fail: (err: Error) => void = () => undefined;
    const failing = () => new Promise<CachedAnswer>((_, reject) => (fail = reject));
    const waiting = [cache.load('/p', failing), cache.load('/p', failing)];
    fail(new Error('catalog unreachable'));
    for (const w of waiting) await expect(w).rejects.toThrow('catalog unreachable');
    expect(bodyOf(await cache.load('/p', async () => answer('again')))).toBe('again');
  });

  it('a fetch that began before a write is neither kept nor shared with reads after it', async () => {
    const cache = createReadCache(1_000);
    const before = deferredFetch();
    const old = cache.load('/p/1', before.fetch.run);
    cache.clear();
    const fresh = cache.load('/p/1', async () => answer('new'));
    before.settle(answer('old'));
    expect([bodyOf(await old), bodyOf(await fresh)]).toEqual(['old', 'new']);
    expect(bodyOf(cache.get('/p/1'))).toBe('new');
  });

  describe('read: an expired entry is served while its successor is fetched', () => {
    const setup = async () => {
      const clock = { t: 0 };
      const cache = createReadCache(1_000, 10, () => clock.t);
      await cache.load('/p', async () => answer('old'));
      clock.t = 1_000;
      return { clock, cache };
    };

    it('answers the old entry at once to every caller while one fetch runs, then the new one', async () => {
      const { cache } = await setup();
      const { fetch, settle } = deferredFetch();
      const during = [cache.read('/p', fetch.run), cache.read('/p', fetch.run)];
      expect(during.map((a) => (a instanceof Promise ? 'waits' : bodyOf(a)))).toEqual(['old', 'old']);
      expect(fetch.calls).toBe(1);
      settle(answer('new'));
      await Promise.resolve();
      await Promise.resolve();
      expect(bodyOf(cache.get('/p'))).toBe('new');
      expect(bodyOf(await cache.read('/p', fetch.run))).toBe('new');
      expect(fetch.calls).toBe(1);
    });

    it('an entry expired for a whole ttl or more is not served: the caller waits for the fetch', async () => {
      const { clock, cache } = await setup();
      clock.t = 2_000;
      const waiting = cache.read('/p', async () => answer('new'));
      expect(waiting).toBeInstanceOf(Promise);
      expect(bodyOf(await waiting)).toBe('new');
    });

    it('a failed refetch leaves the old entry served until it is too old, then the caller sees the failure', async () => {
      const { clock, cache } = await setup();
      const failing = async (): Promise<CachedAnswer> => {
        throw new Error('catalog unreachable');
      };
      expect(bodyOf(cache.read('/p', failing) as CachedAnswer)).toBe('old');
      await new Promise((resolve) => setImmediate(resolve));
      clock.t = 1_999;
      expect(bodyOf(cache.read('/p', failing) as CachedAnswer)).toBe('old');
      await new Promise((resolve) => setImmediate(resolve));
      clock.t = 2_000;
      await expect(cache.read('/p', failing)).rejects.toThrow('catalog unreachable');
    });

    it('a refetch that began before a write is not kept: the next read fetches again', async () => {
      const { cache } = await setup();
      const before = deferredFetch();
      expect(bodyOf(cache.read('/p', before.fetch.run) as CachedAnswer)).toBe('old');
      cache.clear();
      before.settle(answer('older than the write'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(cache.get('/p')).toBeUndefined();
      expect(bodyOf(await cache.read('/p', async () => answer('after the write')))).toBe('after the write');
    });
  });
});
