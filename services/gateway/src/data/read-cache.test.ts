import { describe, expect, it } from 'vitest';
import { createReadCache } from './read-cache.ts';

const answer = (body: string) => ({ status: 200, headers: [['etag', '"1"'] as const], body: Buffer.from(body) });

describe('read cache', () => {
  it('serves an entry until its time is up, then asks again', () => {
    let t = 0;
    const cache = createReadCache(1_000, 10, () => t);
    cache.set('/p/1', answer('a'), cache.generation());
    t = 999;
    expect(cache.get('/p/1')?.body.toString()).toBe('a');
    t = 1_000;
    expect(cache.get('/p/1')).toBeUndefined();
  });

  it('forgets everything on clear (a write through this gateway)', () => {
    const cache = createReadCache(1_000);
    cache.set('/p/1', answer('a'), cache.generation());
    cache.set('/p?limit=2', answer('b'), cache.generation());
    cache.clear();
    expect([cache.get('/p/1'), cache.get('/p?limit=2')]).toEqual([undefined, undefined]);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = createReadCache(1_000, 2);
    for (const key of ['a', 'b', 'c']) cache.set(key, answer(key), cache.generation());
    expect([cache.get('a'), cache.get('b')?.body.toString(), cache.get('c')?.body.toString()]).toEqual([
      undefined,
      'b',
      'c',
    ]);
  });

  it('with a ttl of 0 keeps nothing', () => {
    const cache = createReadCache(0);
    cache.set('a', answer('a'), cache.generation());
    expect(cache.get('a')).toBeUndefined();
  });

  it('does not keep an answer read before a write that cleared the cache', () => {
    const cache = createReadCache(1_000);
    const before = cache.generation();
    cache.clear();
    cache.set('/p/1', answer('old'), before);
    expect(cache.get('/p/1')).toBeUndefined();
  });
});
