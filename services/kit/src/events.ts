import type { Router } from 'express';
import type { z } from 'zod';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** What a subscriber tells Dapr: done, or never deliverable (Dapr moves it to the dead-letter topic). */
export type EventOutcome = 'SUCCESS' | 'DROP';

export interface EventRouteOptions<S extends z.ZodType> {
  /** The route of the declarative Subscription. */
  readonly path: string;
  /** Schema of the CloudEvent's `data`. */
  readonly data: S;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Applies the event once (dedupe by `id` in the same write as the effect); throw to have Dapr retry. */
  handle(event: { readonly id: string; readonly data: z.output<S> }): Promise<EventOutcome | void>;
}

/** The payload of a CloudEvent; data arrives as a JSON string when the publisher did not type it. */
function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function envelopeOf(body: unknown): { id: string; data: unknown } | undefined {
  const event = body as { id?: unknown; data?: unknown } | undefined;
  return typeof event?.id === 'string' && event.id ? { id: event.id, data: dataOf(event.data) } : undefined;
}

/**
 * Mounts a pub/sub subscriber: a malformed event is dropped (retrying cannot fix it), an error
 * answers 500 so that Dapr's resiliency policy retries and finally dead-letters the event.
 */
export function eventRoute<S extends z.ZodType>(router: Router, opts: EventRouteOptions<S>): void {
  const handled = opts.metrics?.counter('shopstack_events_total', 'Events handled by subscribers', [
    'route',
    'outcome',
  ]);
  router.post(opts.path, async (req, res) => {
    const envelope = envelopeOf(req.body);
    const data = envelope && opts.data.safeParse(envelope.data);
    let outcome: EventOutcome = 'DROP';
    if (envelope && data?.success) {
      outcome = (await opts.handle({ id: envelope.id, data: data.data })) ?? 'SUCCESS';
    } else {
      opts.logger.warn({ route: opts.path, eventId: envelope?.id }, 'dropping a malformed event');
    }
    handled?.inc({ route: opts.path, outcome });
    res.json({ status: outcome });
  });
}
