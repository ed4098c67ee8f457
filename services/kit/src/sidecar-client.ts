import type { Dispatcher } from 'undici';
import type {
  InvokeRequest,
  InvokeResponse,
  InvokeStream,
  Invoker,
  Publisher,
  PublishOptions,
  SidecarAddress,
  StreamInvoker,
} from './dapr.ts';
import { AppError } from './errors.ts';
import { type SidecarAnswer, type SidecarRequest, sidecarCall, sidecarStream } from './sidecar-http.ts';

export interface SidecarTimeouts {
  /**
   * State, publish, health and metadata calls. Default 30 s: daprd ends a state or publish call that its
   * component has not finished sooner (the Postgres store's own timeout is 20 s), so the caller hears
   * Dapr's answer. A shorter limit gave up on a write that could still commit (an order's reservation
   * then held with no order); this one is for a lost sidecar.
   */
  readonly callMs?: number;
  /**
   * Service invocation, and the wait for the headers of a streamed one. Default 30 s: Dapr's resiliency
   * policy ends an invocation before that (5 s an attempt, at most four attempts with back-off: ~22.5 s;
   * cdk8s/src/dapr-resiliency.ts), so the caller hears Dapr's own answer; this limit is for a lost sidecar.
   */
  readonly invokeMs?: number;
}

/** An item of a state save or transaction, as Dapr's state API takes it. */
export interface DaprStateItem {
  readonly key: string;
  readonly value?: unknown;
  readonly etag?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly options?: { readonly concurrency: 'first-write' | 'last-write' };
}

export interface DaprStateTransaction {
  readonly operations: readonly { readonly operation: 'upsert' | 'delete'; readonly request: DaprStateItem }[];
  /** For the component, e.g. the outbox's projections. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A query of Dapr's state query API (alpha): filter on the stored JSON values, sort, page with a token. */
export interface StateQuery {
  readonly filter?: object;
  readonly sort?: readonly { readonly key: string; readonly order?: 'ASC' | 'DESC' }[];
  readonly page?: { readonly limit: number; readonly token?: string };
}

/** The part of daprd's `GET /v1.0/metadata` answer worth typing; the rest is there as Dapr sends it. */
export interface SidecarMetadata {
  readonly id?: string;
  readonly runtimeVersion?: string;
  readonly components?: readonly { readonly name: string; readonly type: string; readonly version?: string }[];
  readonly subscriptions?: readonly { readonly pubsubname: string; readonly topic: string }[];
  readonly [field: string]: unknown;
}

/** Dapr's HTTP API: the only place that spells its paths. */
const api = {
  invoke: (appId: string, path: string): string => `/v1.0/invoke/${appId}/method/${path.replace(/^\//, '')}`,
  state: (store: string): string => `/v1.0/state/${store}`,
  stateKey: (store: string, key: string): string => `/v1.0/state/${store}/${encodeURIComponent(key)}`,
  transaction: (store: string): string => `/v1.0/state/${store}/transaction`,
  query: (store: string): string => `/v1.0-alpha1/state/${store}/query`,
  publish: (pubsub: string, topic: string, metadata: Readonly<Record<string, string>> = {}): string => {
    const query = new URLSearchParams(Object.entries(metadata).map(([k, v]) => [`metadata.${k}`, v])).toString();
    return `/v1.0/publish/${pubsub}/${topic}${query ? `?${query}` : ''}`;
  },
  healthz: '/v1.0/healthz',
  metadata: '/v1.0/metadata',
};

const ok = (status: number): boolean => status >= 200 && status < 300;

/**
 * The app's client of its sidecar's HTTP API (invoke, state, publish, health, metadata), over one pool of
 * kept-alive connections (sidecar-http.ts). Every call carries the app's `dapr-api-token` and the
 * `traceparent` of the request being served, and has a time limit; a call without an answer throws a
 * SidecarError naming its method and path. Apps hand it on as the small interface they use (Invoker, ...).
 */
export class SidecarClient implements Invoker, StreamInvoker, Publisher {
  readonly #origin: string;
  readonly #auth: Readonly<Record<string, string>>;
  readonly #callMs: number;
  readonly #invokeMs: number;

  constructor(address: SidecarAddress, timeouts: SidecarTimeouts = {}) {
    this.#origin = `http://${address.host}:${address.httpPort}`;
    this.#auth = address.apiToken ? { 'dapr-api-token': address.apiToken } : {};
    this.#callMs = timeouts.callMs ?? 30_000;
    this.#invokeMs = timeouts.invokeMs ?? 30_000;
  }

  /** Where an invocation of `appId` goes, for tools that drive the sidecar themselves (load generators). */
  invokeUrl(appId: string, path: string): string {
    return this.#origin + api.invoke(appId, path);
  }

  invoke(appId: string, req: InvokeRequest): Promise<InvokeResponse> {
    return sidecarCall(this.#origin, this.#invocation(appId, req));
  }

  invokeStream(appId: string, req: InvokeRequest, signal: AbortSignal): Promise<InvokeStream> {
    return sidecarStream(this.#origin, this.#invocation(appId, req), signal);
  }

  /** 200 with the value and its ETag, or 204 when the key holds nothing. */
  getState(store: string, key: string): Promise<SidecarAnswer> {
    return this.#call('GET', api.stateKey(store, key));
  }

  saveState(store: string, items: readonly DaprStateItem[]): Promise<SidecarAnswer> {
    return this.#call('POST', api.state(store), items);
  }

  deleteState(store: string, key: string, etag?: string): Promise<SidecarAnswer> {
    return this.#call('DELETE', api.stateKey(store, key), undefined, etag === undefined ? {} : { 'if-match': etag });
  }

  /** All operations or none. */
  transactState(store: string, transaction: DaprStateTransaction): Promise<SidecarAnswer> {
    return this.#call('POST', api.transaction(store), transaction);
  }

  /** 200 with `{ results: [{ key, data, etag }], token }`, or 204 when nothing matches. */
  queryState(store: string, query: StateQuery): Promise<SidecarAnswer> {
    return this.#call('POST', api.query(store), query);
  }

  async publish(pubsub: string, topic: string, data: unknown, opts: PublishOptions = {}): Promise<void> {
    const headers = { 'content-type': opts.contentType ?? 'application/json' };
    const res = await this.#call('POST', api.publish(pubsub, topic, opts.metadata), data, headers);
    if (!ok(res.status)) {
      throw new AppError(503, `publishing to ${topic} failed`, { cause: `${res.status} ${res.body}` });
    }
  }

  /** Resolves when the sidecar is up (with its components loaded and the app reachable). */
  async healthz(): Promise<void> {
    const res = await this.#call('GET', api.healthz);
    if (!ok(res.status)) throw new Error(`the sidecar's healthz answered ${res.status} ${res.body}`.trim());
  }

  /** The sidecar's app id, runtime version, loaded components, subscriptions, ... */
  async metadata(): Promise<SidecarMetadata> {
    const res = await this.#call('GET', api.metadata);
    if (!ok(res.status)) throw new Error(`the sidecar's metadata answered ${res.status} ${res.body}`.trim());
    return JSON.parse(res.body) as SidecarMetadata;
  }

  #invocation(appId: string, req: InvokeRequest): SidecarRequest {
    return this.#request(req.method, api.invoke(appId, req.path), {
      body: req.body,
      headers: req.headers,
      timeoutMs: req.timeoutMs ?? this.#invokeMs,
    });
  }

  #call(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<SidecarAnswer> {
    return sidecarCall(this.#origin, this.#request(method, path, { body, headers, timeoutMs: this.#callMs }));
  }

  /** The caller's headers, then the app's token (a caller cannot replace it), and a JSON body's type. */
  #request(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: { body: unknown; headers: Readonly<Record<string, string>> | undefined; timeoutMs: number },
  ): SidecarRequest {
    if (opts.body === undefined) {
      const headers = opts.headers ? { ...opts.headers, ...this.#auth } : this.#auth;
      return { method, path, headers, timeoutMs: opts.timeoutMs };
    }
    const headers = { 'content-type': 'application/json', ...opts.headers, ...this.#auth };
    return { method, path, headers, body: JSON.stringify(opts.body), timeoutMs: opts.timeoutMs };
  }
}

/** The sidecar of an app from its config: always on loopback, at DAPR_HTTP_PORT, with DAPR_API_TOKEN. */
export function sidecarOf(config: { readonly DAPR_HTTP_PORT: number; readonly DAPR_API_TOKEN: string }): SidecarClient {
  return new SidecarClient({ host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN });
}
