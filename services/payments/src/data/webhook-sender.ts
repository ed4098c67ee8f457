import { AppError, type Invoker } from '@shopstack/kit';
import type { Charge } from '../domain/ports.ts';
import { sign } from './webhook-signature.ts';

/** How the simulated provider calls back: a signed POST to payments, through its sidecar. */
export function createWebhookSender(
  invoker: Invoker,
  appId: string,
  secret: string,
): (charge: Charge) => Promise<void> {
  return async (charge) => {
    const body = { type: 'charge.updated', idempotencyKey: charge.idempotencyKey };
    const res = await invoker.invoke(appId, {
      method: 'POST',
      path: 'webhooks/provider',
      headers: { 'x-provider-signature': sign(secret, JSON.stringify(body)) },
      body,
    });
    if (res.status >= 300)
      throw new AppError(502, `webhook for ${charge.id} refused`, { cause: `${res.status} ${res.body}` });
  };
}
