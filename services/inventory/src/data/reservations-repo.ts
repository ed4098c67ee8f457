import type { Pool } from '@shopstack/kit';
import type { ReservationItem, ReservationRepository, ReservationStatus } from '../domain/reservation.ts';

/** Reservations through the server-side functions of migrations 003 and 004; held ones by 005's index (one round trip each, atomic). */
export function createReservationRepository(pool: Pool): ReservationRepository {
  return {
    async reserve(orderId, items) {
      const { rows } = await pool.query<{
        status: ReservationStatus;
        items: ReservationItem[];
        shortages: string[] | null;
        created: boolean;
      }>('SELECT status, items, shortages, created FROM reserve_stock($1, $2)', [orderId, JSON.stringify(items)]);
      const row = rows[0];
      if (!row) throw new Error(`reserve_stock returned nothing for ${orderId}`);
      const { status, items: held, shortages, created } = row;
      return { orderId, status, items: held, ...(shortages ? { shortages } : {}), created };
    },
    async commit(orderId) {
      const { rows } = await pool.query<{ status: ReservationStatus | null }>('SELECT commit_stock($1) AS status', [
        orderId,
      ]);
      const status = rows[0]?.status ?? null;
      if (status === 'committed') return { ok: true, reservation: { orderId, status, items: [] } };
      return { ok: false, current: status ? { orderId, status, items: [] } : undefined };
    },
    async release(orderId, onlyReserved) {
      const { rows } = await pool.query<{ before: string }>('SELECT release_stock($1, $2) AS before', [
        orderId,
        onlyReserved,
      ]);
      const before = rows[0]?.before;
      if (before === 'committed' && onlyReserved) {
        return { ok: false, current: { orderId, status: 'committed', items: [] } };
      }
      return { ok: true, reservation: { orderId, status: 'released', items: [] } };
    },
    async heldSince(before, limit) {
      const { rows } = await pool.query<{ order_id: string }>(
        "SELECT order_id FROM reservations WHERE status = 'reserved' AND updated_at < $1 ORDER BY updated_at LIMIT $2",
        [before, limit],
      );
      return rows.map((r) => r.order_id);
    },
  };
}
