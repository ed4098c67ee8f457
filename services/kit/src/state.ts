import { AppError } from './errors.ts';
import type { DaprStateItem, SidecarClient, StateQuery } from './sidecar-client.ts';
import type { SidecarAnswer } from './sidecar-http.ts';
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
  /** The items whose values match (Dapr's state query API); `token` asks for the next page. */
  query<T>(query: StateQuery): Promise<StateQueryResult<T>>;
}

export interface StateQueryResult<T> {
  readonly results: readonly { readonly key: string; readonly data: T; readonly etag?: string }[];
  /** Where the next page starts, when the store says there may be one. */
  readonly token?: string;
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

const concurrency = (etag: string | undefined): Pick<DaprStateItem, 'etag' | 'options'> =>
  etag === undefined ? {} : { etag, options: { concurrency: 'first-write' } };

/** A write's failure: a 412 AppError for an ETag mismatch (or a first write of a key that exists), else 503. */
function writeFailure(res: SidecarAnswer, what: string): AppError {
  if (res.status === 409 || /etag|no item was updated/i.test(res.body)) {
    return new AppError(412, 'the resource was changed by another request', {
      detail: 'reload it and try again',
      cause: res.body,
    });
  }
  return new AppError(503, `state store ${what} failed`, {
    detail: 'the state store is unavailable',
    cause: `${res.status} ${res.body}`,
  });
}

/**
 * A state store of the sidecar. The SDK's `state.get` drops the ETag and its errors hide the status, and
 * ETag concurrency is the point of this interface.
 */
export function createStateStore(sidecar: SidecarClient, storeName: string): StateStore {
  return {
    async get<T>(key: string) {
      const res = await sidecar.getState(storeName, key);
      if (res.status === 204 || res.status === 404) return undefined;
      if (!ok(res.status)) throw new AppError(503, 'state store read failed', { cause: `${res.status} ${res.body}` });
      return { value: JSON.parse(res.body) as T, etag: res.headers.get('etag') ?? '' };
    },
    async save(key, value, etag) {
      const res = await sidecar.saveState(storeName, [{ key, value, ...concurrency(etag) }]);
      if (!ok(res.status)) throw writeFailure(res, 'save');
    },
    async delete(key, etag) {
      const res = await sidecar.deleteState(storeName, key, etag);
      if (ok(res.status)) return;
      if (res.status === 409) throw new AppError(412, 'the resource was changed by another request');
      throw new AppError(503, 'state store delete failed', { cause: `${res.status} ${res.body}` });
    },
    async transact(operations, metadata) {
      const res = await sidecar.transactState(storeName, {
        operations: operations.map((op) =>
          op.operation === 'upsert'
            ? {
                operation: 'upsert',
                request: { key: op.key, value: op.value, metadata: op.metadata, ...concurrency(op.etag) },
              }
            : { operation: 'delete', request: { key: op.key, ...concurrency(op.etag) } },
        ),
        metadata,
      });
      if (!ok(res.status)) throw writeFailure(res, 'transaction');
    },
    async query<T>(query: StateQuery) {
      const res = await sidecar.queryState(storeName, query);
      if (!ok(res.status)) throw new AppError(503, 'state store query failed', { cause: `${res.status} ${res.body}` });
      if (res.status === 204 || res.body === '') return { results: [] };
      const answer = JSON.parse(res.body) as { results?: StateQueryResult<T>['results']; token?: string };
      return { results: answer.results ?? [], ...(answer.token ? { token: answer.token } : {}) };
    },
  };
}
