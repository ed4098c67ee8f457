import type { Logger } from '@shopstack/kit';
import type { Redis } from 'ioredis';
import type { Product, ProductRepository, WriteOutcome } from '../domain/product.ts';

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

/**
 * Cache-aside for single products in front of the repository: reads fill the cache, every write
 * replaces (or tombstones) the entry right after it commits. Lists are not cached.
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
  const afterWrite = async (id: string, outcome: WriteOutcome<Product>, deleted = false): Promise<void> => {
    if (outcome.kind === 'done') await store(id, outcome.value.version, deleted ? null : outcome.value);
  };

  return {
    list: (query) => repo.list(query),
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
