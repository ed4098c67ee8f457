import { callerFrom, type Logger, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { NotificationRepository, Wakeups } from '../domain/notification.ts';
import { openStream } from '../domain/stream.ts';

const lastEventId = z
  .string()
  .regex(/^\d{1,18}$/)
  .optional();

/** Server-Sent Events of the caller's notifications; `Last-Event-ID` resumes after that event. */
export function streamRoutes(
  deps: { readonly repo: NotificationRepository; readonly wakeups: Wakeups; readonly heartbeatMs: number },
  logger: Logger,
): (router: Router) => void {
  return (router) => {
    router.get('/notifications/stream', (req, res) => {
      const caller = callerFrom(req);
      const resumeFrom = validate(lastEventId, req.get('last-event-id') || undefined, 'Last-Event-ID header');
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      const close = openStream({
        repo: deps.repo,
        wakeups: deps.wakeups,
        userId: caller.id,
        lastEventId: resumeFrom,
        send: (n) => res.write(`id: ${n.seq}\nevent: ${n.type}\ndata: ${JSON.stringify(n.data)}\n\n`),
        onError: (err) => logger.warn({ err }, 'notification stream read failed'),
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs);
      res.on('close', () => {
        clearInterval(heartbeat);
        close();
      });
    });
  };
}
