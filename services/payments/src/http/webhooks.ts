import { AppError, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { verify } from '../data/webhook-signature.ts';
import type { PaymentDeps } from '../domain/charge-order.ts';
import { settleCharge } from '../domain/settle.ts';

const webhookBody = z.object({ type: z.literal('charge.updated'), idempotencyKey: z.string().min(1) });

/** Provider webhooks, accepted only with a valid, recent HMAC signature over the body. */
export function webhookRoutes(deps: PaymentDeps, secret: string): (router: Router) => void {
  return (router) => {
    router.post('/webhooks/provider', async (req, res) => {
      if (!verify(secret, JSON.stringify(req.body), req.get('x-provider-signature'))) {
        throw new AppError(401, 'invalid webhook signature');
      }
      const { idempotencyKey } = validate(webhookBody, req.body, 'webhook');
      await settleCharge(deps, idempotencyKey);
      res.status(204).end();
    });
  };
}
