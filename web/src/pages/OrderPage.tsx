import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { reasonSentence, sentence } from '../errors.ts';
import { lastEvent, liveState, onOrderEvent } from '../live.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import type { Order } from '../types.ts';
import { Alert, Heading } from '../ui.tsx';
import { ProductName } from './ProductName.tsx';

const paymentWords: Record<string, string> = {
  pending: 'Waiting for the payment',
  captured: 'Paid',
  declined: 'Declined',
  refunded: 'Refunded',
  voided: 'Released, not charged',
};

/** What cancelling means for this order now, or undefined when the API does not allow it. */
export function cancelLabel(order: Order): string | undefined {
  if (order.status === 'PENDING') return 'Cancel order';
  if (order.status === 'CONFIRMED') return 'Cancel and refund';
  return undefined;
}

export async function cancelOrder(order: Order): Promise<Order> {
  return api<Order>('POST', `/orders/${order.id}/cancel`);
}

export const cancelWording = { 409: 'This order can no longer be cancelled.' };

function Steps(props: { order: Order }) {
  const { order } = props;
  const payment = order.payment?.status ?? 'pending';
  const steps: { label: string; done: boolean; current: boolean }[] = [
    { label: 'Order placed', done: true, current: false },
    {
      label: `Payment: ${paymentWords[payment] ?? payment}`,
      done: payment !== 'pending',
      current: order.status === 'PENDING',
    },
    order.status === 'CANCELLED'
      ? { label: 'Cancelled', done: true, current: true }
      : { label: 'Confirmed', done: order.status === 'CONFIRMED', current: order.status === 'CONFIRMED' },
  ];
  return (
    <ol class="steps" aria-label="Progress">
      {steps.map((s) => (
        <li key={s.label} class={s.done ? 'done' : ''} aria-current={s.current ? 'step' : undefined}>
          {s.label}
        </li>
      ))}
    </ol>
  );
}

export function OrderPage(props: { id: string }) {
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const live = liveState.use();
  const lastEventId = lastEvent.use();

  useEffect(() => {
    let current = true;
    const load = () =>
      api<Order>('GET', `/orders/${encodeURIComponent(props.id)}`).then(
        (o) => current && setOrder(o),
        (err: unknown) =>
          current &&
          setError(
            sentence(err, {
              404: 'We could not find this order in your account.',
              400: 'This is not an order number.',
            }),
          ),
      );
    const off = onOrderEvent((e) => {
      if (e === 'reopened') return void load();
      if (e.orderId !== props.id) return;
      setOrder((o) => o && { ...o, status: e.status, reason: e.reason as Order['reason'], payment: e.payment });
    });
    void load();
    return () => {
      current = false;
      off();
    };
  }, [props.id]);

  const label = order && cancelLabel(order);
  return (
    <section>
      <Heading title="Order">Order</Heading>
      <Alert message={error} />
      {order && (
        <>
          <p class="muted">
            Number <code>{order.id}</code>, placed {new Date(order.createdAt).toLocaleString('en-US')}
          </p>
          <p class={`order-status ${order.status.toLowerCase()}`} role="status" data-status={order.status}>
            {order.status === 'PENDING' && 'Processing your order…'}
            {order.status === 'CONFIRMED' && 'Confirmed: your order is on its way.'}
            {order.status === 'CANCELLED' && reasonSentence(order.reason)}
            {order.status === 'CANCELLED' && order.payment?.status === 'refunded' && ' Your payment was refunded.'}
          </p>
          <Steps order={order} />
          <p class="muted" data-live={live} data-last-event={lastEventId}>
            Live updates: {live === 'live' ? 'connected' : live === 'off' ? 'off' : 'reconnecting…'}
          </p>
          <ul class="summary" aria-label="Items">
            {order.items.map((i) => (
              <li key={i.productId}>
                {i.quantity} × <ProductName id={i.productId} /> — {money(i.unitPriceCents * i.quantity, order.currency)}
              </li>
            ))}
          </ul>
          <p class="total">
            Total: <strong>{money(order.totalCents, order.currency)}</strong>
          </p>
          {label && (
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(undefined);
                try {
                  setOrder(await cancelOrder(order));
                } catch (err) {
                  setError(sentence(err, cancelWording));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {label}
            </button>
          )}
        </>
      )}
      <p>
        <Link href="/orders">All your orders</Link>
      </p>
    </section>
  );
}
