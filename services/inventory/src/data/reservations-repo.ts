import type { Pool } from '@shopstack/kit';
import type { PoolClient } from 'pg';
import type {
  Reservation,
  ReservationItem,
  ReservationRepository,
  ReservationStatus,
  Transition,
} from '../domain/reservation.ts';

interface ReservationRow {
  status: ReservationStatus;
  items: ReservationItem[];
  released_from: 'reserved' | 'committed' | null;
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function lock(client: PoolClient, orderId: string): Promise<ReservationRow | undefined> {
  const { rows } = await client.query<ReservationRow>(
    'SELECT status, items, released_from FROM reservations WHERE order_id = $1 FOR UPDATE',
    [orderId],
  );
  return rows[0];
}

/** Moves `quantity` of each item between columns; the CHECK constraints stop anything going negative. */
async function shift(client: PoolClient, items: readonly ReservationItem[], change: string): Promise<void> {
  for (const item of items) {
    await client.query(`UPDATE stock SET ${change}, version = version + 1, updated_at = now() WHERE product_id = $1`, [
      item.productId,
      item.quantity,
    ]);
  }
}

const of = (orderId: string, row: ReservationRow): Reservation => ({ orderId, status: row.status, items: row.items });

export function createReservationRepository(pool: Pool): ReservationRepository {
  return {
    reserve: (orderId, items) =>
      inTransaction(pool, async (client) => {
        const inserted = await client.query(
          `INSERT INTO reservations (order_id, status, items) VALUES ($1, 'reserved', $2)
           ON CONFLICT (order_id) DO NOTHING`,
          [orderId, JSON.stringify(items)],
        );
        if (inserted.rowCount === 0) {
          const existing = await lock(client, orderId);
          if (!existing) throw new Error(`reservation ${orderId} vanished`);
          return of(orderId, existing);
        }
        const shortages: string[] = [];
        await client.query('SAVEPOINT hold');
        // items are sorted by product id, so concurrent reservations lock rows in the same order
        for (const item of items) {
          const held = await client.query(
            `UPDATE stock SET reserved = reserved + $2, version = version + 1, updated_at = now()
             WHERE product_id = $1 AND available >= $2`,
            [item.productId, item.quantity],
          );
          if (held.rowCount === 0) shortages.push(item.productId);
        }
        if (shortages.length === 0) return { orderId, status: 'reserved', items };
        await client.query('ROLLBACK TO SAVEPOINT hold');
        await client.query(`UPDATE reservations SET status = 'rejected' WHERE order_id = $1`, [orderId]);
        return { orderId, status: 'rejected', items, shortages };
      }),

    commit: (orderId) =>
      inTransaction(pool, async (client) => {
        const row = await lock(client, orderId);
        if (!row || (row.status !== 'reserved' && row.status !== 'committed')) {
          return { ok: false, current: row && of(orderId, row) };
        }
        if (row.status === 'reserved') {
          await shift(client, row.items, 'reserved = reserved - $2, committed = committed + $2');
          await client.query(`UPDATE reservations SET status = 'committed', updated_at = now() WHERE order_id = $1`, [
            orderId,
          ]);
        }
        return { ok: true, reservation: { orderId, status: 'committed', items: row.items } };
      }),

    release: (orderId, onlyReserved) =>
      inTransaction(pool, async (client) => {
        const row = await lock(client, orderId);
        if (!row) {
          await client.query(
            `INSERT INTO reservations (order_id, status, items) VALUES ($1, 'released', '[]')
             ON CONFLICT (order_id) DO NOTHING`,
            [orderId],
          );
          const raced = await lock(client, orderId);
          if (raced && raced.status !== 'released') return releaseRow(client, orderId, raced, onlyReserved);
          return { ok: true, reservation: { orderId, status: 'released', items: [] } };
        }
        return releaseRow(client, orderId, row, onlyReserved);
      }),
  };
}

async function releaseRow(
  client: PoolClient,
  orderId: string,
  row: ReservationRow,
  onlyReserved: boolean,
): Promise<Transition> {
  if (onlyReserved && row.status === 'committed') return { ok: false, current: of(orderId, row) };
  if (row.status === 'reserved') await shift(client, row.items, 'reserved = reserved - $2');
  if (row.status === 'committed') await shift(client, row.items, 'committed = committed - $2');
  if (row.status === 'reserved' || row.status === 'committed') {
    await client.query(
      `UPDATE reservations SET status = 'released', released_from = $2, updated_at = now() WHERE order_id = $1`,
      [orderId, row.status],
    );
  }
  return { ok: true, reservation: { orderId, status: 'released', items: row.items } };
}
