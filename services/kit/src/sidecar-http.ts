import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, errors, request } from 'undici';
import { currentTraceContext } from './trace-context.ts';

/** The answer headers a caller reads (a WHATWG `Headers` fits too, for fakes in tests). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

export interface SidecarAnswer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: string;
}

/** An answer whose body is read as it arrives (Server-Sent Events). */
export interface SidecarStream {
  readonly status: number;
  readonly headers: AnswerHeaders;
  /** Read it to the end or destroy it: either frees the connection. */
  readonly body: Readable;
}

/** One call to the sidecar: its API path, and how long the sidecar may stay silent. */
export interface SidecarRequest {
  readonly method: Dispatcher.HttpMethod;
  /** The path of Dapr's HTTP API, e.g. `/v1.0/healthz`: what an error names (never a header, so never the token). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** How long to wait for the answer's headers, and for each part of its body. */
  readonly timeoutMs: number;
}

/** A call to the sidecar that got no answer: it timed out, or the sidecar could not be reached. */
export class SidecarError extends Error {
  /** Method and path of the call, e.g. `POST /v1.0/state/orderstore/transaction`. */
  readonly call: string;
  readonly timedOut: boolean;

  constructor(call: string, timeoutMs: number, cause: unknown) {
    const timedOut = cause instanceof errors.HeadersTimeoutError || cause instanceof errors.BodyTimeoutError;
    super(
      timedOut
        ? `the sidecar did not answer ${call} within ${timeoutMs / 1000} s`
        : `the sidecar call ${call} failed: ${(cause as Error).message}`,
      { cause },
    );
    this.name = 'SidecarError';
    this.call = call;
    this.timedOut = timedOut;
  }
}

// Every call goes to the app's own sidecar on loopback: one pool of kept-alive connections serves them
// all. undici's request() costs the caller 0.8-0.9 of node:http's CPU per call and 0.3 of fetch()'s
// (`npm run bench -- sidecar-client`). Its timeouts run on undici's own coarse timers, which cost a call
// next to nothing (an AbortSignal.timeout() per call would add a timer and a signal to each).
const agent = new Agent({ connections: 256 });

const headersOf = (raw: Record<string, string | string[] | undefined>): AnswerHeaders => ({
  get(name) {
    const value = raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  },
});

async function send(
  origin: string,
  req: SidecarRequest,
  timeouts: { readonly headersTimeout: number; readonly bodyTimeout: number; readonly signal?: AbortSignal },
): Promise<Dispatcher.ResponseData> {
  const trace = currentTraceContext();
  try {
    return await request(origin + req.path, {
      method: req.method,
      headers: trace ? { traceparent: trace.traceparent, ...req.headers } : req.headers,
      body: req.body,
      dispatcher: agent,
      ...timeouts,
    });
  } catch (err) {
    throw new SidecarError(`${req.method} ${req.path}`, req.timeoutMs, err);
  }
}

/** One HTTP call to the sidecar at `origin`, its body read as text, in the trace of the request being served. */
export async function sidecarCall(origin: string, req: SidecarRequest): Promise<SidecarAnswer> {
  const res = await send(origin, req, { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs });
  try {
    return { status: res.statusCode, headers: headersOf(res.headers), body: await res.body.text() };
  } catch (err) {
    throw new SidecarError(`${req.method} ${req.path}`, req.timeoutMs, err);
  }
}

/**
 * A call whose answer streams for as long as its producer likes: only the wait for its headers is bounded,
 * and `signal` ends it (the stream's reader went away).
 */
export async function sidecarStream(origin: string, req: SidecarRequest, signal: AbortSignal): Promise<SidecarStream> {
  const res = await send(origin, req, { headersTimeout: req.timeoutMs, bodyTimeout: 0, signal });
  return { status: res.statusCode, headers: headersOf(res.headers), body: res.body };
}
