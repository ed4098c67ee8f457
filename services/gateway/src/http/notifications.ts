import { Readable } from 'node:stream';
import { AppError, type SidecarAddress, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { asCaller, type RouteContext, route } from './route.ts';

const eventId = z.string().regex(/^\d{1,18}$/, 'an event id from a previous stream');
const lastEventId = z.object({
  'last-event-id': eventId.optional().meta({ description: 'resume after this event id' }),
});

/**
 * Server-Sent Events of the caller's notifications, streamed from the notifications service through
 * Dapr invocation (the invoker buffers whole answers, so this route reads the sidecar's response as a stream).
 */
export function notificationRoutes(
  ctx: RouteContext,
  sidecar: SidecarAddress,
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
        const upstream = await fetch(
          `http://${sidecar.host}:${sidecar.httpPort}/v1.0/invoke/${notifications}/method/notifications/stream`,
          {
            headers: {
              'dapr-api-token': sidecar.apiToken,
              accept: 'text/event-stream',
              ...asCaller(caller),
              ...(resume ? { 'last-event-id': resume } : {}),
            },
            signal: abort.signal,
          },
        ).catch((err: unknown) => {
          throw new AppError(503, `${notifications} is unavailable`, { cause: err });
        });
        if (upstream.status !== 200 || !upstream.body) {
          const body = await upstream.text();
          if (upstream.status === 400) throw new AppError(400, 'invalid Last-Event-ID header', { cause: body });
          throw new AppError(502, `${notifications} call failed`, { cause: `${upstream.status} ${body}` });
        }
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        });
        res.flushHeaders();
        const stream = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream);
        stream.on('error', () => res.end());
        stream.pipe(res);
      },
    });
  };
}
