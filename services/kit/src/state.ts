import type { SidecarAddress } from './dapr.ts';
import { AppError } from './errors.ts';
import { sidecarCall } from './sidecar-http.ts';
import { currentTraceContext } from './trace-context.ts';

export interface StateEntry<T> {
  readonly value: T;
  readonly etag: string;
}

export type StateOperation =
  | {
      readonly operation: 'upsert';
      readonly key: string;
      readonly value: unknown;
      readonly etag?: string;
      readonly metadata?: Readonly<Record<string, string>>;
    }
  | { readonly operation: 'delete'; readonly key: string; readonly etag?: string };

/** A Dapr state store, with ETag (first-write-wins) concurrency and multi-key transactions. */
export interface StateStore {
  get<T>(key: string): Promise<StateEntry<T> | undefined>;
  /** With `etag`, fails with a 412 AppError when the stored item changed since it was read (or was created meanwhile). */
  save(key: string, value: unknown, etag?: string): Promise<void>;
  delete(key: string, etag?: string): Promise<void>;
  /** All operations or none; `metadata` reaches the component (e.g. outbox projections). */
  transact(operations: readonly StateOperation[], metadata?: Readonly<Record<string, string>>): Promise<void>;
}

/**
 * A record and its event in one transaction of a store with an outbox: Dapr writes the record and publishes
 * the event (the projection) only if the transaction commits. Dapr copies the record operation's metadata
 * into the CloudEvent: the event's `type`, and the `traceparent` of the request being served, so that the
 * subscribers handle the event in that trace (Dapr's own tracing passes none on when it samples nothing).
 */
export function outboxOperations(
  key: string,
  record: unknown,
  event: { readonly type: string },
  etag: string,
): StateOperation[] {
  const trace = currentTraceContext();
  return [
    {
      operation: 'upsert',
      key,
      value: record,
      etag,
      metadata: trace ? { type: event.type, traceparent: trace.traceparent } : { type: event.type },
    },
    {
      operation: 'upsert',
      key,
      value: event,
      metadata: { 'outbox.projection': 'true', contentType: 'application/json' },
    },
  ];
}

const ok = (status: number): boolean => status >= 200 && status < 300;

/**
 * State over the sidecar's HTTP API. The SDK's `state.get` drops the ETag and its errors hide the
 * status, and ETag concurrency is the point of this interface.
 */
export function createStateStore(sidecar: SidecarAddress, storeName: string): StateStore {
  const base = `http://${sidecar.host}:${sidecar.httpPort}/v1.0/state/${storeName}`;
  const headers = { 'dapr-api-token': sidecar.apiToken, 'content-type': 'application/json' };
  const concurrency = (etag: string | undefined) =>
    etag === undefined ? {} : { etag, options: { concurrency: 'first-write' } };

  async function send(url: string, body: unknown, what: string): Promise<void> {
    const res = await sidecarCall(url, { method: 'POST', headers, body: JSON.stringify(body) });
    if (ok(res.status)) return;
    const text = res.body;
    // an ETag mismatch, or a first write (empty ETag) of a key that exists
    if (res.status === 409 || /etag|no item was updated/i.test(text)) {
      throw new AppError(412, 'the resource was changed by another request', {
        detail: 'reload it and try again',
        cause: text,
      });
    }
    throw new AppError(503, `state store ${what} failed`, {
      detail: 'the state store is unavailable',
      cause: `${res.status} ${text}`,
    });
  }

  return {
    async get<T>(key: string) {
      const res = await sidecarCall(`${base}/${encodeURIComponent(key)}`, { headers });
      if (res.status === 204 || res.status === 404) return undefined;
      if (!ok(res.status)) throw new AppError(503, 'state store read failed', { cause: `${res.status} ${res.body}` });
      return { value: JSON.parse(res.body) as T, etag: res.headers.get('etag') ?? '' };
    },
    save: (key, value, etag) => send(base, [{ key, value, ...concurrency(etag) }], 'save'),
    async delete(key, etag) {
      const res = await sidecarCall(`${base}/${encodeURIComponent(key)}`, {
        method: 'DELETE',
        headers: etag === undefined ? headers : { ...headers, 'if-match': etag },
      });
      if (ok(res.status)) return;
      if (res.status === 409) throw new AppError(412, 'the resource was changed by another request');
      throw new AppError(503, 'state store delete failed', { cause: `${res.status} ${res.body}` });
    },
    transact: (operations, metadata) =>
      send(
        `${base}/transaction`,
        {
          operations: operations.map((op) =>
            op.operation === 'upsert'
              ? {
                  operation: 'upsert',
                  request: { key: op.key, value: op.value, metadata: op.metadata, ...concurrency(op.etag) },
                }
              : { operation: 'delete', request: { key: op.key, ...concurrency(op.etag) } },
          ),
          metadata,
        },
        'transaction',
      ),
  };
}
