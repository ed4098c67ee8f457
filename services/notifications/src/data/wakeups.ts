import { type Logger, type Pool, pgErrorFields } from '@shopstack/kit';
import type { PoolClient } from 'pg';
import type { Wakeups } from '../domain/notification.ts';
import { CHANNEL } from './notifications-repo.ts';

export interface ListeningWakeups extends Wakeups {
  close(): Promise<void>;
}

/**
 * One LISTEN connection per replica fans Postgres notifications out to the local streams. When
 * Postgres ends the connection (a restart, a failover), it reconnects every `retryMs` until it
 * listens again, then wakes every stream to catch up on what it missed meanwhile.
 */
export async function listenForWakeups(pool: Pool, logger: Logger, retryMs = 1_000): Promise<ListeningWakeups> {
  const subscribers = new Map<string, Set<() => void>>();
  let client: PoolClient | undefined;
  let closed = false;

  const wakeAll = (): void => {
    for (const set of subscribers.values()) for (const wake of set) wake();
  };

  async function listen(): Promise<void> {
    const c = await pool.connect();
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      if (client === c) client = undefined;
      c.release(err); // a failed connection is closed, not returned to the pool
      if (closed) return;
      logger.warn(pgErrorFields(err), 'the LISTEN connection to Postgres failed; reconnecting');
      retry();
    };
    c.on('error', fail);
    c.on('notification', (msg) => {
      for (const wake of subscribers.get(msg.payload ?? '') ?? []) wake();
    });
    try {
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      fail(err as Error);
      return;
    }
    client = c;
  }

  function retry(): void {
    setTimeout(() => {
      if (closed) return;
      listen()
        .then(() => client && wakeAll())
        .catch((err: Error) => {
          logger.warn(pgErrorFields(err), 'cannot reach Postgres to LISTEN; retrying');
          retry();
        });
    }, retryMs).unref();
  }

  await listen();
  if (!client) {
    closed = true;
    throw new Error(`cannot LISTEN on ${CHANNEL}`);
  }
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
      closed = true;
      const c = client;
      client = undefined;
      if (!c) return;
      await c.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      c.release();
    },
  };
}
