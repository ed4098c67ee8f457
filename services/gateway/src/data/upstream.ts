import { AppError, type InvokeRequest, type Invoker } from '@shopstack/kit';
import type { Response } from 'express';

/** Headers of a service's answer that the public API passes on. */
const passThrough = ['etag', 'location', 'retry-after', 'content-type', 'cache-control', 'www-authenticate'];

/**
 * Calls `appId` through Dapr and relays its answer. Errors of the invocation itself (sidecar down,
 * target unreachable, denied by policy) are a 502/503 problem; the target's own problems pass through.
 */
export async function relay(invoker: Invoker, appId: string, req: InvokeRequest, res: Response): Promise<void> {
  let answer: Awaited<ReturnType<Invoker['invoke']>>;
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
  res.status(answer.status);
  for (const name of passThrough) {
    const value = answer.headers.get(name);
    if (value) res.setHeader(name, value);
  }
  res.send(answer.body);
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
