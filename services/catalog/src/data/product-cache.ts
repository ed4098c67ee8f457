import type { Logger } from '@shopstack/kit';
import type { Redis } from 'ioredis';
import type { Page, Product, ProductQuery, ProductRepository, WriteOutcome } from '../domain/product.ts';

// Entries are "<version>|<json>"; json `null` is a tombstone for a deleted product. A write stores
// its result only over an older version, and a read fills only an empty slot, so a slow reader can
// never put back a version that a writer has already replaced.
const WRITE_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local v = tonumber(string.match(cur, '^(%d+)|'))
  if v and v >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1`;

const key = (id: string): string => `catalog:product:${id}`;

// Pages of the product list live as fields of one hash, beside a `_gen` field naming the generation
// they belong to. A write, once committed, starts a new generation (a counter that never expires, so
// generations never repeat) with an empty hash. A reader reads the generation with the page and fills
// the page only if the generation is still the one it saw before reading Postgres, so a page read
// before a write cannot be stored after it.
const LISTS = 'catalog:lists';
const LISTS_GEN = 'catalog:lists:gen';
const NEW_GENERATION = `
local g = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_gen', g)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return g`;
const FILL_PAGE = `
if (redis.call('HGET', KEYS[1], '_gen') or '') ~= ARGV[1] then return 0 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if ARGV[1] == '' then redis.call('EXPIRE', KEYS[1], ARGV[5]) end
return 1`;
/** Pages cached per generation at most: a bound on what arbitrary categories and cursors can fill. */
const MAX_PAGES = 1000;

/** Browsing pages are cached; full-text searches (`q`) are as many as the words people type, and are not. */
const pageField = (query: ProductQuery): string | undefined =>
  query.q === undefined ? JSON.stringify([query.category ?? null, query.limit, query.cursor ?? null]) : undefined;

/**
 * Cache-aside for single products and for pages of the product list in front of the repository:
 * reads fill the cache, every write replaces (or tombstones) the product's entry and drops every
 * cached page right after it commits.
 */
export function withProductCache(
  repo: ProductRepository,
  redis: Redis,
  opts: { ttlSeconds: number; logger: Logger },
): ProductRepository {
  const store = async (id: string, version: number, product: Product | null): Promise<void> => {
    try {
      await redis.eval(WRITE_IF_NEWER, 1, key(id), version, JSON.stringify(product), opts.ttlSeconds);
    } catch (err) {
      // the entry may now be stale: drop it, and say so if even that fails
      await redis.del(key(id)).catch(() => opts.logger.error({ err, id }, 'product cache entry may be stale'));
    }
  };
  const dropPages = async (): Promise<void> => {
    try {
      await redis.eval(NEW_GENERATION, 2, LISTS, LISTS_GEN, opts.ttlSeconds);
    } catch (err) {
      await redis.del(LISTS).catch(() => opts.logger.error({ err }, 'cached product pages may be stale'));
    }
  };
  const afterWrite = async (id: string, outcome: WriteOutcome<Product>, deleted = false): Promise<void> => {
    if (outcome.kind !== 'done') return;
    await Promise.all([store(id, outcome.value.version, deleted ? null : outcome.value), dropPages()]);
  };

  return {
    async list(query) {
      const field = pageField(query);
      if (field === undefined) return repo.list(query);
      const [gen, cached] = await redis.hmget(LISTS, '_gen', field).catch(() => [null, null]);
      if (cached) return JSON.parse(cached) as Page<Product>;
      const page = await repo.list(query);
      await redis
        .eval(FILL_PAGE, 1, LISTS, gen ?? '', field, JSON.stringify(page), MAX_PAGES, opts.ttlSeconds)
        .catch(() => undefined);
      return page;
    },
    async get(id) {
      const cached = await redis.get(key(id)).catch(() => null);
      if (cached) {
        const product = JSON.parse(cached.slice(cached.indexOf('|') + 1)) as Product | null;
        return product ?? undefined;
      }
      const product = await repo.get(id);
      if (product) {
        await redis
          .set(key(id), `${product.version}|${JSON.stringify(product)}`, 'EX', opts.ttlSeconds, 'NX')
          .catch(() => undefined);
      }
      return product;
    },
    async create(fields) {
      const outcome = await repo.create(fields);
      if (outcome.kind === 'done') await afterWrite(outcome.value.id, outcome);
      return outcome;
    },
    async update(id, expected, patch) {
      const outcome = await repo.update(id, expected, patch);
      await afterWrite(id, outcome);
      return outcome;
    },
    async softDelete(id, expected) {
      const outcome = await repo.softDelete(id, expected);
      await afterWrite(id, outcome, true);
      return outcome;
    },
  };
}
