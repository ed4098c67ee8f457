import { AppError, type InvokeRequest, type Invoker } from '@shopstack/kit';
import type { Response } from 'express';

/** Headers of a service's answer that the public API passes on. */
const passThrough = ['etag', 'location', 'retry-after', 'content-type'];

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
  if (answer.headers.get('content-type')?.startsWith('application/json') && answer.status >= 500) {
    // a Dapr runtime error (ERR_DIRECT_INVOKE, ...) rather than a problem+json from the service
    throw new AppError(502, `${appId} call failed`, {
      detail: `the ${appId} service did not answer`,
      cause: answer.body,
    });
  }
  res.status(answer.status);
  for (const name of passThrough) {
    const value = answer.headers.get(name);
    if (value) res.setHeader(name, value);
  }
  res.send(answer.body);
}
