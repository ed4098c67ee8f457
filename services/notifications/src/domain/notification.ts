export interface Notification {
  /** Position in the user's stream, sent as the SSE `id:`. */
  readonly seq: string;
  readonly type: string;
  readonly data: unknown;
}

export interface IncomingEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly data: unknown;
}

export interface NotificationRepository {
  /** Records each event once (in order), skipping event ids recorded before. */
  recordAll(events: readonly IncomingEvent[]): Promise<void>;
  /** The user's notifications after `afterSeq`, oldest first. */
  after(userId: string, afterSeq: string, limit: number): Promise<Notification[]>;
  /** The newest position of the whole stream (live-only subscribers start there). */
  head(): Promise<string>;
}

/** Wakes the streams of a user when something was recorded for them (by any replica). */
export interface Wakeups {
  subscribe(userId: string, wake: () => void): () => void;
}
