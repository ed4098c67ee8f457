import type { AnswerHeaders, SidecarStream } from './sidecar-http.ts';

// One small interface per capability of the sidecar, so that a service's domain and data layers take
// what they use and tests can hand them a fake; the SidecarClient (sidecar-client.ts) implements them.

/** Where an app finds its sidecar and how it authenticates to it (DAPR_API_TOKEN). */
export interface SidecarAddress {
  readonly host: string;
  readonly httpPort: number;
  readonly apiToken: string;
}

export interface InvokeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** How long the whole call may take (default: the client's invocation timeout). */
  readonly timeoutMs?: number;
}

export interface InvokeResponse {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: string;
}

/**
 * Service invocation through the sidecar. Every answer of the target comes back, non-2xx included, with
 * its headers (ETag, Location), which a gateway has to pass through; only a call that got no answer throws.
 */
export interface Invoker {
  invoke(appId: string, req: InvokeRequest): Promise<InvokeResponse>;
}

export type InvokeStream = SidecarStream;

/** Service invocation whose answer streams (Server-Sent Events): only the wait for its headers is bounded. */
export interface StreamInvoker {
  /** `signal` ends the call and its stream (the reader went away). */
  invokeStream(appId: string, req: InvokeRequest, signal: AbortSignal): Promise<InvokeStream>;
}

export interface PublishOptions {
  /** The body's type: `application/cloudevents+json` publishes a whole CloudEvent (default application/json). */
  readonly contentType?: string;
  /** Publish metadata for the component, e.g. `ttlInSeconds`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Pub/sub through the sidecar; resolves once the broker has the event. */
export interface Publisher {
  publish(pubsub: string, topic: string, data: unknown, opts?: PublishOptions): Promise<void>;
}
