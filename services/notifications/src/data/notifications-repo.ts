import type { Pool } from '@shopstack/kit';
import type { Notification, NotificationRepository } from '../domain/notification.ts';

export const CHANNEL = 'notifications';

export function createNotificationRepository(pool: Pool): NotificationRepository {
  return {
    async record(event) {
      // the NOTIFY is sent on commit, together with the row
      const { rowCount } = await pool.query(
        `WITH added AS (
           INSERT INTO notifications (event_id, user_id, type, data) VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id) DO NOTHING RETURNING user_id
         )
         SELECT pg_notify('${CHANNEL}', user_id) FROM added`,
        [event.eventId, event.userId, event.type, JSON.stringify(event.data)],
      );
      return rowCount === 1;
    },
    async after(userId, afterSeq, limit) {
      const { rows } = await pool.query<Notification>(
        `SELECT seq::text AS seq, type, data FROM notifications WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [userId, afterSeq, limit],
      );
      return rows;
    },
    async head() {
      const { rows } = await pool.query<{ seq: string }>(
        'SELECT coalesce(max(seq), 0)::text AS seq FROM notifications',
      );
      return rows[0]?.seq ?? '0';
    },
  };
}
