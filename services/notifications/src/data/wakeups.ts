import type { Pool } from '@shopstack/kit';
import type { PoolClient } from 'pg';
import type { Wakeups } from '../domain/notification.ts';
import { CHANNEL } from './notifications-repo.ts';

export interface ListeningWakeups extends Wakeups {
  close(): Promise<void>;
}

/** One LISTEN connection per replica fans Postgres notifications out to the local streams. */
export async function listenForWakeups(pool: Pool): Promise<ListeningWakeups> {
  const subscribers = new Map<string, Set<() => void>>();
  const client: PoolClient = await pool.connect();
  client.on('notification', (msg) => {
    for (const wake of subscribers.get(msg.payload ?? '') ?? []) wake();
  });
  await client.query(`LISTEN ${CHANNEL}`);
  return {
    subscribe(userId, wake) {
      const set = subscribers.get(userId) ?? new Set();
      set.add(wake);
      subscribers.set(userId, set);
      return () => {
        set.delete(wake);
        if (set.size === 0) subscribers.delete(userId);
      };
    },
    async close() {
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    },
  };
}
