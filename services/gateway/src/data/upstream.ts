import { AppError, type InvokeRequest, type InvokeResponse, type Invoker } from '@shopstack/kit';
import type { Response } from 'express';
import type { CachedAnswer, ReadCache } from './read-cache.ts';

/** Headers of a service's answer that the public API passes on. */
const passThrough = ['etag', 'location', 'retry-after', 'content-type', 'cache-control', 'www-authenticate'];

/**
 * Calls `appId` through Dapr. Errors of the invocation itself (sidecar down, target unreachable, denied
 * by policy) are a 502/503 problem; the target's own problems (problem+json) are returned to be relayed.
 */
async function call(invoker: Invoker, appId: string, req: InvokeRequest): Promise<InvokeResponse> {
  let answer: InvokeResponse;
  try {
    answer = await invoker.invoke(appId, req);
  } catch (err) {
    throw new AppError(503, `${appId} is unavailable`, { detail: 'the gateway cannot reach its sidecar', cause: err });
  }
  const type = answer.headers.get('content-type') ?? '';
  if (answer.status >= 500 || (answer.status >= 400 && !type.includes('problem+json'))) {
    // a Dapr runtime error (ERR_DIRECT_INVOKE, access denied, ...) rather than a problem+json from the service
    throw new AppError(answer.status === 503 ? 503 : 502, `${appId} call failed`, {
      detail: `the ${appId} service did not answer`,
      cause: `${answer.status} ${answer.body}`,
    });
  }
  return answer;
}

function send(res: Response, answer: CachedAnswer): void {
  res.status(answer.status);
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.send(answer.body);
}

const relayed = (answer: InvokeResponse): CachedAnswer => ({
  status: answer.status,
  headers: passThrough.flatMap((name) => {
    const value = answer.headers.get(name);
    return value ? [[name, value] as const] : [];
  }),
  body: Buffer.from(answer.body),
});

/** Calls `appId` through Dapr and relays its answer. */
export async function relay(invoker: Invoker, appId: string, req: InvokeRequest, res: Response): Promise<void> {
  send(res, relayed(await call(invoker, appId, req)));
}

/** A public read: answered from `cache` under `key` when it holds one (see `ReadCache.read`), else relayed and, if a 200, kept. */
export async function relayCached(
  invoker: Invoker,
  appId: string,
  req: InvokeRequest,
  res: Response,
  cache: ReadCache,
  key: string,
): Promise<void> {
  const answer = cache.read(key, async () => relayed(await call(invoker, appId, req)));
  send(res, answer instanceof Promise ? await answer : answer);
}

/** A write: relayed once the cache has forgotten what it held (whatever the answer: a timeout may hide a commit). */
export async function relayWrite(
  invoker: Invoker,
  appId: string,
  req: InvokeRequest,
  res: Response,
  cache: ReadCache,
): Promise<void> {
  let answer: CachedAnswer;
  try {
    answer = relayed(await call(invoker, appId, req));
  } finally {
    cache.clear();
  }
  send(res, answer);
}

/** Request headers a public client may send on to a service. */
export function forwardHeaders(
  from: { get(name: string): string | undefined },
  names: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = from.get(name);
    if (value !== undefined && value.length <= 256) headers[name] = value;
  }
  return headers;
}
