import { text } from 'node:stream/consumers';
import { AppError, type StreamInvoker, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { asCaller, type RouteContext, route } from './route.ts';

const eventId = z.string().regex(/^\d{1,18}$/, 'an event id from a previous stream');
const lastEventId = z.object({
  'last-event-id': eventId.optional().meta({ description: 'resume after this event id' }),
});

/**
 * Server-Sent Events of the caller's notifications, streamed from the notifications service through
 * Dapr invocation (a streamed one: an ordinary invocation buffers the whole answer and bounds its time).
 */
export function notificationRoutes(
  ctx: RouteContext,
  invoker: StreamInvoker,
  notifications: string,
): (router: Router) => void {
  return (router) => {
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/notifications/stream',
      operationId: 'streamNotifications',
      summary: "Server-Sent Events of the caller's order events; Last-Event-ID resumes",
      tag: 'notifications',
      access: 'user',
      headers: lastEventId,
      responses: { 200: { description: 'text/event-stream; each event has an `id:`' } },
      async handle({ caller, req, res }) {
        const abort = new AbortController();
        req.on('close', () => abort.abort());
        const resume = validate(eventId.optional(), req.get('last-event-id'), 'Last-Event-ID header');
        const upstream = await invoker
          .invokeStream(
            notifications,
            {
              method: 'GET',
              path: 'notifications/stream',
              headers: {
                accept: 'text/event-stream',
                ...asCaller(caller),
                ...(resume ? { 'last-event-id': resume } : {}),
              },
            },
            abort.signal,
          )
          .catch((err: unknown) => {
            throw new AppError(503, `${notifications} is unavailable`, { cause: err });
          });
        if (upstream.status !== 200) {
          const body = await text(upstream.body);
          if (upstream.status === 400) throw new AppError(400, 'invalid Last-Event-ID header', { cause: body });
          throw new AppError(502, `${notifications} call failed`, { cause: `${upstream.status} ${body}` });
        }
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        });
        res.flushHeaders();
        upstream.body.on('error', () => res.end());
        upstream.body.pipe(res);
      },
    });
  };
}
