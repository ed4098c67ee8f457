import type { Pool } from '@shopstack/kit';
import type { Stock, StockRepository } from '../domain/stock.ts';

export interface StockRow {
  product_id: string;
  on_hand: number;
  available: number;
  reserved: number;
  committed: number;
  updated_at: Date;
}

export const stockColumns = 'product_id, on_hand, available, reserved, committed, updated_at';

export function toStock(row: StockRow): Stock {
  return {
    productId: row.product_id,
    onHand: row.on_hand,
    available: row.available,
    reserved: row.reserved,
    committed: row.committed,
    updatedAt: row.updated_at.toISOString(),
  };
}

const CHECK_VIOLATION = '23514';

export function createStockRepository(pool: Pool): StockRepository {
  return {
    async get(productId) {
      const { rows } = await pool.query<StockRow>(`SELECT ${stockColumns} FROM stock WHERE product_id = $1`, [
        productId,
      ]);
      return rows[0] && toStock(rows[0]);
    },
    async setOnHand(productId, onHand) {
      try {
        const { rows } = await pool.query<StockRow>(
          `INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)
           ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, version = stock.version + 1, updated_at = now()
           RETURNING ${stockColumns}`,
          [productId, onHand],
        );
        return rows[0] && toStock(rows[0]);
      } catch (err) {
        if ((err as { code?: string }).code === CHECK_VIOLATION) return undefined;
        throw err;
      }
    },
  };
}
