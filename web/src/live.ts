import { apiBase } from './api.ts';
import { createStore } from './store.ts';

/** An order event of the notifications stream (the order's new state). */
export interface OrderEvent {
  readonly type: string;
  readonly orderId: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  readonly reason?: string;
  readonly payment: { readonly status: string; readonly amountCents: number } | null;
}

export type LiveState = 'off' | 'connecting' | 'live' | 'reconnecting';
export const liveState = createStore<LiveState>('off');
/** The id of the last event read: where a reopened stream resumes. */
export const lastEvent = createStore<string | undefined>(undefined);

const types = ['order.created', 'order.confirmed', 'order.cancelled', 'order.updated'];
const listeners = new Set<(e: OrderEvent | 'reopened') => void>();
let source: EventSource | undefined;
let lastEventId: string | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

/**
 * Follows the caller's notifications over Server-Sent Events. The browser reconnects by itself with
 * Last-Event-ID; when it gives up (the stream answered an error, e.g. while the session was refreshed),
 * this opens a new stream after a pause, resuming with `?lastEventId=` (the web server makes it the
 * header). Each (re)open tells the listeners, which reread what they show, in case of a gap.
 */
export function startLive(): void {
  if (source) return;
  clearTimeout(retry);
  liveState.set(liveState.get() === 'off' ? 'connecting' : 'reconnecting');
  const url = `${apiBase}/notifications/stream${lastEventId ? `?lastEventId=${encodeURIComponent(lastEventId)}` : ''}`;
  const es = new EventSource(url);
  source = es;
  es.onopen = () => {
    failures = 0;
    liveState.set('live');
    for (const l of listeners) l('reopened');
  };
  es.onerror = () => {
    if (source !== es) return;
    liveState.set('reconnecting');
    if (es.readyState === EventSource.CLOSED) {
      source = undefined;
      failures += 1;
      retry = setTimeout(startLive, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
    }
  };
  for (const type of types) {
    es.addEventListener(type, (e) => {
      const msg = e as MessageEvent<string>;
      if (msg.lastEventId) {
        lastEventId = msg.lastEventId;
        lastEvent.set(lastEventId);
      }
      try {
        const data = JSON.parse(msg.data) as OrderEvent;
        for (const l of listeners) l({ ...data, type });
      } catch {
        // an event the page cannot read changes nothing it shows
      }
    });
  }
}

export function stopLive(): void {
  clearTimeout(retry);
  source?.close();
  source = undefined;
  lastEventId = undefined;
  lastEvent.set(undefined);
  liveState.set('off');
}

export function onOrderEvent(listener: (e: OrderEvent | 'reopened') => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
