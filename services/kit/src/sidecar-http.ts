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

// Dapr's own timeouts (resiliency: 5 s per invocation, 10 s per delivery) end every call well before
// this; a call silent for longer hangs on a sidecar that is gone, and must not hold its caller for ever.
const SILENCE_MS = 30_000;

// Every call goes to the app's own sidecar on loopback: one pool of kept-alive connections serves them
// all. undici's request() costs the caller 0.8-0.9 of node:http's CPU per call and 0.3 of fetch()'s
// (`npm run bench -- sidecar-client`).
const agent = new Agent({ connections: 256, headersTimeout: SILENCE_MS, bodyTimeout: SILENCE_MS });

/** One HTTP call to the sidecar, its body read as text, in the trace of the request being served. */
export async function sidecarCall(
  url: string,
  opts: { readonly method?: string; readonly headers?: Readonly<Record<string, string>>; readonly body?: string } = {},
): Promise<SidecarAnswer> {
  const trace = currentTraceContext();
  const headers = trace ? { traceparent: trace.traceparent, ...opts.headers } : opts.headers;
  const method = opts.method ?? 'GET';
  try {
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: opts.body,
      dispatcher: agent,
    });
    const raw = res.headers;
    return {
      status: res.statusCode,
      headers: {
        get(name) {
          const value = raw[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      },
      body: await res.body.text(),
    };
  } catch (err) {
    if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
      throw new Error(`the sidecar sent nothing for ${SILENCE_MS / 1000} s (${method} ${url})`, { cause: err });
    }
    throw err;
  }
}
