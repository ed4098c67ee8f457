import type { Pool } from '@shopstack/kit';
import type { Page, Product, ProductQuery, ProductRepository } from '../domain/product.ts';
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

export function createProductRepository(pool: Pool): ProductRepository {
  return {
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
