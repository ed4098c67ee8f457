import type { Invoker, Logger } from '@shopstack/kit';
import type { PaymentEvent } from '../domain/payment.ts';

/** Direct reports in flight at most; beyond it a result waits for its outbox copy (load sheds, nothing is lost). */
const MAX_IN_FLIGHT = 8;

/**
 * Reports a stored payment result to orders at once, as the CloudEvent its subscription takes. The outbox
 * delivers the same result about a second later, so this is only a shortcut: a failed or skipped report is
 * left to the outbox, and orders applies whichever copy comes first (the other changes nothing).
 */
export function createOrderReporter(
  invoker: Invoker,
  ordersAppId: string,
  logger: Logger,
): (event: PaymentEvent) => void {
  let inFlight = 0;
  return (event) => {
    if (inFlight >= MAX_IN_FLIGHT) return;
    inFlight++;
    const body = {
      specversion: '1.0',
      id: `payments-direct:${event.orderId}:${event.type}:${event.at}`,
      source: 'payments',
      type: event.type,
      datacontenttype: 'application/json',
      data: event,
    };
    invoker
      .invoke(ordersAppId, { method: 'POST', path: 'events/payments', body })
      .then((res) => {
        if (res.status >= 300)
          logger.debug(
            { orderId: event.orderId, status: res.status },
            'orders refused a direct payment report; the outbox delivers it',
          );
      })
      .catch((err: unknown) =>
        logger.debug({ err, orderId: event.orderId }, 'direct payment report failed; the outbox delivers it'),
      )
      .finally(() => inFlight--);
  };
}
