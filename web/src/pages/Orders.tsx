import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { sentence } from '../errors.ts';
import { onOrderEvent } from '../live.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import { user } from '../session.ts';
import type { Order, Page } from '../types.ts';
import { Alert, Heading } from '../ui.tsx';
import { cancelLabel, cancelOrder, cancelWording } from './OrderPage.tsx';

export function Orders() {
  const signedIn = user.use();
  const [orders, setOrders] = useState<Order[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  const load = (after?: string) =>
    api<Page<Order>>('GET', `/orders${query({ limit: 20, cursor: after })}`).then(
      (p) => {
        setOrders((o) => (after ? [...o, ...p.items] : [...p.items]));
        setCursor(p.nextCursor);
      },
      (err: unknown) => setError(sentence(err)),
    );

  useEffect(() => {
    if (!signedIn) return;
    void load();
    return onOrderEvent((e) => {
      if (e === 'reopened') return;
      setOrders((list) =>
        list.map((o) =>
          o.id === e.orderId ? { ...o, status: e.status, reason: e.reason as Order['reason'], payment: e.payment } : o,
        ),
      );
    });
  }, [signedIn?.id]);

  if (!signedIn) {
    return (
      <section>
        <Heading title="Orders">Your orders</Heading>
        <p>
          <Link href="/signin?next=/orders">Sign in</Link> to see your orders.
        </p>
      </section>
    );
  }
  return (
    <section>
      <Heading title="Orders">Your orders</Heading>
      <Alert message={error} />
      {orders.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Placed</th>
              <th scope="col">Order</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => {
              const label = cancelLabel(o);
              return (
                <tr key={o.id} data-order={o.id}>
                  <td>{new Date(o.createdAt).toLocaleString('en-US')}</td>
                  <td>
                    <Link href={`/orders/${o.id}`}>{o.id.slice(0, 8)}</Link>
                  </td>
                  <td data-status={o.status}>{o.status.toLowerCase()}</td>
                  <td>{money(o.totalCents, o.currency)}</td>
                  <td>
                    {label && (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`${label} ${o.id.slice(0, 8)}`}
                        onClick={() =>
                          cancelOrder(o).then(
                            (next) => setOrders((list) => list.map((x) => (x.id === next.id ? next : x))),
                            (err: unknown) => setError(sentence(err, cancelWording)),
                          )
                        }
                      >
                        {label}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Show older orders
        </button>
      )}
    </section>
  );
}
