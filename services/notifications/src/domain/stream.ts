import type { Notification, NotificationRepository, Wakeups } from './notification.ts';

export interface StreamOptions {
  readonly repo: NotificationRepository;
  readonly wakeups: Wakeups;
  readonly userId: string;
  /** Resume after this position (Last-Event-ID); without it only new notifications are sent. */
  readonly lastEventId: string | undefined;
  readonly send: (n: Notification) => void;
  readonly onError: (err: unknown) => void;
}

const PAGE = 100;
/** A missed wake-up (e.g. while the LISTEN connection reconnected) is caught up this often. */
const CATCH_UP_MS = 5_000;

/** Streams one user's notifications in order, each once; returns the function that ends the stream. */
export function openStream(opts: StreamOptions): () => void {
  let cursor: string | undefined = opts.lastEventId;
  let pumping = false;
  let again = false;
  let closed = false;

  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      cursor ??= await opts.repo.head();
      do {
        again = false;
        let page: Notification[];
        do {
          page = await opts.repo.after(opts.userId, cursor, PAGE);
          for (const n of page) {
            if (closed) return;
            opts.send(n);
            cursor = n.seq;
          }
        } while (page.length === PAGE);
      } while (again && !closed);
    } catch (err) {
      opts.onError(err);
    } finally {
      pumping = false;
    }
  }

  const unsubscribe = opts.wakeups.subscribe(opts.userId, () => void pump());
  const timer = setInterval(() => void pump(), CATCH_UP_MS);
  void pump();
  return () => {
    closed = true;
    clearInterval(timer);
    unsubscribe();
  };
}
