import type { Pool } from '@shopstack/kit';
import type { Notification, NotificationRepository } from '../domain/notification.ts';

export const CHANNEL = 'notifications';
/** The advisory lock that makes batches commit one at a time (any constant of this database's). */
const RECORD_LOCK = 0x6e6f7469; // 'noti'

export function createNotificationRepository(pool: Pool): NotificationRepository {
  return {
    async recordAll(events) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // One batch at a time, across replicas: a row's seq is taken inside the lock and the lock goes with
        // the commit, so rows become visible in seq order. Without it a batch committing before an earlier
        // one let a stream read the later seq first and move its cursor past the earlier rows for good.
        await client.query('SELECT pg_advisory_xact_lock($1)', [RECORD_LOCK]);
        // one statement for the batch; a NOTIFY per user is sent on commit, together with the rows
        await client.query(
          `WITH added AS (
             INSERT INTO notifications (event_id, user_id, type, data)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
             ON CONFLICT (event_id) DO NOTHING RETURNING user_id
           )
           SELECT pg_notify('${CHANNEL}', user_id) FROM (SELECT DISTINCT user_id FROM added) users`,
          [
            events.map((e) => e.eventId),
            events.map((e) => e.userId),
            events.map((e) => e.type),
            events.map((e) => JSON.stringify(e.data)),
          ],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
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
