import { type Dispatcher, request } from 'undici';
import type { Credentials } from './credentials.ts';
import { KubeError } from './errors.ts';
import type { KubeList, KubeObject } from './object.ts';
import { resourcePath, resourceType } from './resources.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  readonly method: Method;
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Longest silence while reading the body; 0 turns it off. Default 60 s. */
  readonly bodyTimeoutMs?: number;
  /** Resource (plural) for the request counter; keeps object names out of metric labels. */
  readonly resource?: string;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubeObject & { code?: number; reason?: string; message?: string };
}

/** Field manager of every write: server-side apply tracks the operator's fields under this name. */
export const fieldManager = 'shopstack-operator';

/**
 * A JSON client for the Kubernetes API: requests are plain JSON, so the operator sees exactly what the
 * server stores, with no model (de)serialisation in between; watches are streamed line by line.
 */
export class KubeClient {
  readonly #credentials: Credentials;
  readonly #onRequest: (method: Method, resource: string) => void;
  readonly #userAgent: string;

  constructor(
    credentials: Credentials,
    opts: { onRequest?: (method: Method, resource: string) => void; userAgent?: string } = {},
  ) {
    this.#credentials = credentials;
    this.#onRequest = opts.onRequest ?? (() => {});
    this.#userAgent = opts.userAgent ?? fieldManager;
  }

  // undici's request() rather than fetch(): the operator sends thousands of small requests, and fetch's
  // WHATWG layers cost several times the CPU per request
  async #send(opts: RequestOptions): Promise<Dispatcher.ResponseData> {
    const url = new URL(this.#credentials.server + opts.path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      ...(await this.#credentials.headers()),
      accept: 'application/json',
      'user-agent': this.#userAgent,
    };
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    this.#onRequest(opts.method, opts.resource ?? 'other');
    const response = await request(url, {
      method: opts.method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      dispatcher: this.#credentials.dispatcher,
      signal: opts.signal,
      // a request to an unreachable server fails instead of holding a reconcile (or a shutdown) forever
      headersTimeout: 30_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 60_000,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = await response.body.text();
    let status: { reason?: string; message?: string } = {};
    try {
      status = JSON.parse(text);
    } catch {
      // not a Status object: keep the raw text as the message
    }
    throw new KubeError(
      response.statusCode,
      status.reason ?? 'Unknown',
      status.message ?? `HTTP ${response.statusCode}`,
    );
  }

  async request<T>(opts: RequestOptions): Promise<T> {
    const response = await this.#send(opts);
    const text = await response.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>({
      method: 'GET',
      resource: resourceType(kind).plural,
      path: resourcePath(resourceType(kind), { namespace, name }),
    });
  }

  /** One page of a list; `continue` pages on. */
  list<T extends KubeObject>(
    kind: string,
    opts: { namespace?: string; labelSelector?: string; limit?: number; continue?: string; signal?: AbortSignal } = {},
  ): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      method: 'GET',
      resource: resourceType(kind).plural,
      path: resourcePath(resourceType(kind), { namespace: opts.namespace }),
      query: { labelSelector: opts.labelSelector, limit: opts.limit, continue: opts.continue },
      signal: opts.signal,
    });
  }

  create<T extends KubeObject>(obj: KubeObject): Promise<T> {
    const { namespace } = obj.metadata;
    return this.request<T>({
      method: 'POST',
      resource: resourceType(obj.kind).plural,
      path: resourcePath(resourceType(obj.kind), { namespace }),
      query: { fieldManager },
      body: obj,
    });
  }

  /** Server-side apply. `force` takes over fields another manager changed: the operator's view wins. */
  apply<T extends KubeObject>(
    obj: KubeObject,
    opts: { force?: boolean; subresource?: string; dryRun?: boolean } = {},
  ): Promise<T> {
    const { name, namespace } = obj.metadata;
    return this.request<T>({
      method: 'PATCH',
      resource: resourceType(obj.kind).plural,
      path: resourcePath(resourceType(obj.kind), { namespace, name, subresource: opts.subresource }),
      query: { fieldManager, force: opts.force ?? true, dryRun: opts.dryRun ? 'All' : undefined },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  mergePatch<T extends KubeObject>(
    kind: string,
    where: { namespace?: string; name: string; subresource?: string },
    patch: unknown,
  ): Promise<T> {
    return this.request<T>({
      method: 'PATCH',
      resource: resourceType(kind).plural,
      path: resourcePath(resourceType(kind), where),
      query: { fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  replace<T extends KubeObject>(obj: KubeObject): Promise<T> {
    const { name, namespace } = obj.metadata;
    return this.request<T>({
      method: 'PUT',
      resource: resourceType(obj.kind).plural,
      path: resourcePath(resourceType(obj.kind), { namespace, name }),
      query: { fieldManager },
      body: obj,
    });
  }

  async delete(kind: string, namespace: string | undefined, name: string): Promise<void> {
    await this.request({
      method: 'DELETE',
      resource: resourceType(kind).plural,
      path: resourcePath(resourceType(kind), { namespace, name }),
      body: { propagationPolicy: 'Background' },
    });
  }

  /** Streams watch events until the server ends the watch or `signal` aborts it. */
  async *watch(
    kind: string,
    opts: {
      namespace?: string;
      labelSelector?: string;
      resourceVersion: string;
      timeoutSeconds?: number;
      signal: AbortSignal;
    },
  ): AsyncGenerator<WatchEvent> {
    const response = await this.#send({
      method: 'GET',
      resource: resourceType(kind).plural,
      path: resourcePath(resourceType(kind), { namespace: opts.namespace }),
      query: {
        watch: true,
        allowWatchBookmarks: true,
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        timeoutSeconds: opts.timeoutSeconds,
      },
      signal: opts.signal,
      // the server ends the watch after timeoutSeconds; silence well past that means a dead connection
      bodyTimeoutMs: opts.timeoutSeconds ? (opts.timeoutSeconds + 60) * 1000 : 0,
    });
    let buffered = '';
    response.body.setEncoding('utf8');
    for await (const chunk of response.body as AsyncIterable<string>) {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield JSON.parse(line) as WatchEvent;
        newline = buffered.indexOf('\n');
      }
    }
  }
}
