import type { Invoker, Logger } from '@shopstack/kit';
import type { PaymentEvent } from '../domain/payment.ts';

/**
 * Reports a stored payment result to orders at once, as the CloudEvent its subscription takes. The outbox
 * delivers the same result about a second later, so this is only a shortcut: a failed report is logged at
 * debug and left to the outbox, and orders applies whichever copy comes first (the other changes nothing).
 */
export function createOrderReporter(
  invoker: Invoker,
  ordersAppId: string,
  logger: Logger,
): (event: PaymentEvent) => void {
  return (event) => {
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
      );
  };
}
