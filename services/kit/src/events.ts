import type { Router } from 'express';
import type { z } from 'zod';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { parseTraceparent, runInTraceContext } from './trace-context.ts';

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

/** The event's id and valid data; undefined (and a warning) when it is malformed, which no retry fixes. */
function parseEvent<S extends z.ZodType>(
  opts: Pick<EventRouteOptions<S>, 'path' | 'data' | 'logger'>,
  body: unknown,
): { id: string; data: z.output<S> } | undefined {
  const envelope = envelopeOf(body);
  const data = envelope && opts.data.safeParse(envelope.data);
  if (envelope && data?.success) return { id: envelope.id, data: data.data };
  opts.logger.warn({ route: opts.path, eventId: envelope?.id }, 'dropping a malformed event');
  return undefined;
}

function eventsCounter(metrics: Metrics | undefined) {
  return metrics?.counter('shopstack_events_total', 'Events handled by subscribers', ['route', 'outcome']);
}

/**
 * Mounts a pub/sub subscriber: a malformed event is dropped (retrying cannot fix it), an error
 * answers 500 so that Dapr's resiliency policy retries and finally dead-letters the event.
 */
export function eventRoute<S extends z.ZodType>(router: Router, opts: EventRouteOptions<S>): void {
  const handled = eventsCounter(opts.metrics);
  router.post(opts.path, (req, res) =>
    inTraceOf(req.body, async () => {
      const event = parseEvent(opts, req.body);
      const outcome: EventOutcome = event ? ((await opts.handle(event)) ?? 'SUCCESS') : 'DROP';
      handled?.inc({ route: opts.path, outcome });
      opts.logger.debug({ route: opts.path, eventId: event?.id, outcome }, 'event handled');
      res.json({ status: outcome });
    }),
  );
}

/**
 * Runs `fn` in the trace of the CloudEvent's `traceparent` attribute, which an outbox event carries from
 * the request that wrote it (state.ts, outboxOperations): Dapr sends no `traceparent` header with an
 * event when its tracing samples nothing. Without the attribute, the request's own context stays.
 */
function inTraceOf<T>(body: unknown, fn: () => Promise<T>): Promise<T> {
  const trace = parseTraceparent((body as { traceparent?: unknown } | undefined)?.traceparent);
  return trace ? runInTraceContext(trace, fn) : fn();
}

export interface EventBatchRouteOptions<S extends z.ZodType> extends Omit<EventRouteOptions<S>, 'handle'> {
  /**
   * Applies every event of a batch once (dedupe by `id` in the same write as the effects); throw to
   * have Dapr retry the whole batch, which the dedupe makes safe.
   */
  handleBatch(events: readonly { readonly id: string; readonly data: z.output<S> }[]): Promise<void>;
}

interface BulkEntry {
  readonly entryId: string;
  readonly event: unknown;
}

/** The entries of a Dapr bulk delivery; undefined when the body is a lone CloudEvent (a subscription without batches). */
function entriesOf(body: unknown): readonly BulkEntry[] | undefined {
  const entries = (body as { entries?: unknown } | undefined)?.entries;
  if (!Array.isArray(entries)) return undefined;
  return entries.flatMap((e: unknown) => {
    const entry = e as { entryId?: unknown; event?: unknown } | undefined;
    return typeof entry?.entryId === 'string' ? [{ entryId: entry.entryId, event: dataOf(entry.event) }] : [];
  });
}

/**
 * Mounts a subscriber for batches (the manifest's `batches`, Dapr bulk subscribe): the valid events of a
 * batch are applied together, a malformed one is dropped on its own (Dapr moves it to the dead-letter
 * topic), and an error answers 500 so that Dapr retries the batch. A single CloudEvent is taken too.
 */
export function eventBatchRoute<S extends z.ZodType>(router: Router, opts: EventBatchRouteOptions<S>): void {
  const handled = eventsCounter(opts.metrics);
  router.post(opts.path, async (req, res) => {
    const statuses: { entryId: string; status: EventOutcome }[] = [];
    const events: { id: string; data: z.output<S> }[] = [];
    const bulk = entriesOf(req.body);
    for (const { entryId, event } of bulk ?? [{ entryId: '', event: req.body }]) {
      const parsed = parseEvent(opts, event);
      if (parsed) events.push(parsed);
      statuses.push({ entryId, status: parsed ? 'SUCCESS' : 'DROP' });
    }
    if (events.length) await opts.handleBatch(events);
    for (const { status } of statuses) handled?.inc({ route: opts.path, outcome: status });
    opts.logger.debug(
      { route: opts.path, events: events.length, dropped: statuses.length - events.length },
      'batch handled',
    );
    res.json(bulk ? { statuses } : { status: statuses[0]?.status ?? 'DROP' });
  });
}
