import type { Pool } from '@shopstack/kit';
import type { Page, Product, ProductFields, ProductQuery, ProductRepository, WriteOutcome } from '../domain/product.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  category: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  rank?: number;
}

const columns = 'id, sku, name, description, price_cents, currency, category, version, created_at, updated_at';

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    category: row.category,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const UNIQUE_VIOLATION = '23505';

const columnOf: Record<keyof ProductFields, string> = {
  sku: 'sku',
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  currency: 'currency',
  category: 'category',
};

/** Turns a conditional UPDATE that matched no row into stale or missing. */
async function explainMiss(pool: Pool, id: string): Promise<WriteOutcome<Product>> {
  const { rowCount } = await pool.query('SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rowCount ? { kind: 'stale' } : { kind: 'missing' };
}

async function write(pool: Pool, sql: string, params: unknown[], id?: string): Promise<WriteOutcome<Product>> {
  try {
    const { rows } = await pool.query<ProductRow>(sql, params);
    if (rows[0]) return { kind: 'done', value: toProduct(rows[0]) };
    return id ? explainMiss(pool, id) : { kind: 'missing' };
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return { kind: 'duplicate-sku' };
    throw err;
  }
}

export function createProductRepository(pool: Pool): ProductRepository {
  return {
    create(fields) {
      return write(
        pool,
        `INSERT INTO products (sku, name, description, price_cents, currency, category)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
        [fields.sku, fields.name, fields.description, fields.priceCents, fields.currency, fields.category],
      );
    },

    update(id, expectedVersion, patch) {
      const params: unknown[] = [id];
      const sets = Object.entries(patch).map(([key, value]) => {
        params.push(value);
        return `${columnOf[key as keyof ProductFields]} = $${params.length}`;
      });
      params.push(expectedVersion ?? null);
      return write(
        pool,
        `UPDATE products SET ${sets.join(', ')}, version = version + 1, updated_at = date_trunc('milliseconds', now())
         WHERE id = $1 AND deleted_at IS NULL AND ($${params.length}::int IS NULL OR version = $${params.length})
         RETURNING ${columns}`,
        params,
        id,
      );
    },

    softDelete(id, expectedVersion) {
      return write(
        pool,
        `UPDATE products SET deleted_at = now(), version = version + 1, updated_at = date_trunc('milliseconds', now())
         WHERE id = $1 AND deleted_at IS NULL AND ($2::int IS NULL OR version = $2)
         RETURNING ${columns}`,
        [id, expectedVersion ?? null],
        id,
      );
    },

    async list(query: ProductQuery): Promise<Page<Product>> {
      const params: unknown[] = [];
      const where = ['deleted_at IS NULL'];
      const param = (value: unknown): string => `$${params.push(value)}`;
      if (query.category) where.push(`category = ${param(query.category)}`);
      const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
      let sql: string;
      if (query.q) {
        const tsq = `websearch_to_tsquery('english', ${param(query.q)})`;
        where.push(`search @@ ${tsq}`);
        const rank = `ts_rank(search, ${tsq})`;
        if (cursor && 'r' in cursor) {
          where.push(
            `(${rank} < ${param(cursor.r)}::real OR (${rank} = ${param(cursor.r)}::real AND id > ${param(cursor.id)}))`,
          );
        }
        sql = `SELECT ${columns}, ${rank} AS rank FROM products WHERE ${where.join(' AND ')} ORDER BY rank DESC, id LIMIT ${param(query.limit + 1)}`;
      } else {
        if (cursor && 't' in cursor)
          where.push(`(created_at, id) > (${param(cursor.t)}::timestamptz, ${param(cursor.id)}::uuid)`);
        sql = `SELECT ${columns} FROM products WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT ${param(query.limit + 1)}`;
      }
      const { rows } = await pool.query<ProductRow>(sql, params);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const more = rows.length > query.limit && last;
      const nextCursor = more
        ? encodeCursor(
            query.q ? { r: Number(last.rank), id: last.id } : { t: last.created_at.toISOString(), id: last.id },
          )
        : null;
      return { items: page.map(toProduct), nextCursor };
    },

    async get(id: string): Promise<Product | undefined> {
      const { rows } = await pool.query<ProductRow>(
        `SELECT ${columns} FROM products WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      return rows[0] && toProduct(rows[0]);
    },
  };
}
