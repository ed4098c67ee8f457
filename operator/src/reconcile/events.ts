import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';

export interface EventRecorder {
  /** Fire-and-forget: an Event that cannot be written must not fail the reconcile. */
  record(
    regarding: KubeObject,
    event: { type: 'Normal' | 'Warning'; reason: string; action: string; note: string },
  ): void;
}

// MicroTime: RFC 3339 with exactly six fractional digits
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Writes events.k8s.io/v1 Events about ShopStacks (shown by `kubectl describe` and `kubectl events`). */
export function eventRecorder(client: KubeClient, opts: { instance: string; log: Logger }): EventRecorder {
  return {
    record(regarding, event) {
      const { name, namespace, uid, resourceVersion } = regarding.metadata;
      const body: KubeObject = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
        eventTime: microTime(new Date()),
        reportingController: 'shopstack.io/operator',
        reportingInstance: opts.instance,
        regarding: { apiVersion: regarding.apiVersion, kind: regarding.kind, name, namespace, uid, resourceVersion },
        type: event.type,
        reason: event.reason,
        action: event.action,
        note: event.note.slice(0, 1024),
      };
      client.create(body).catch((err: Error) => {
        opts.log.warn(
          { shopstack: `${namespace}/${name}`, reason: event.reason, err: err.message },
          'could not record event',
        );
      });
    },
  };
}
