import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { cart, forgetCart, loadCart } from '../cart.ts';
import { ApiError, sentence } from '../errors.ts';
import { money } from '../money.ts';
import { Link, navigate } from '../router.tsx';
import { user } from '../session.ts';
import type { Order } from '../types.ts';
import { Alert, Heading } from '../ui.tsx';
import { ProductName } from './ProductName.tsx';

const cards = [
  { token: 'tok_visa', label: 'Test card, approved' },
  { token: 'tok_declined', label: 'Test card, declined' },
  { token: 'tok_slow', label: 'Test card, approved after a few seconds' },
] as const;

const keyStore = 'shopstack.checkoutKey';

/**
 * The Idempotency-Key of this checkout: the same while the cart and card are the same, so a double click,
 * a retry after a lost answer or a reload places one order; a new one when what is ordered changes.
 */
function idempotencyKey(fingerprint: string): string {
  try {
    const saved = JSON.parse(sessionStorage.getItem(keyStore) ?? 'null') as { key: string; fingerprint: string } | null;
    if (saved?.fingerprint === fingerprint) return saved.key;
  } catch {
    // a damaged entry is replaced below
  }
  const key = crypto.randomUUID();
  sessionStorage.setItem(keyStore, JSON.stringify({ key, fingerprint }));
  return key;
}

function orderError(err: unknown): string {
  if (err instanceof ApiError && err.status === 422) {
    const detail = `${err.problem?.title ?? ''} ${err.problem?.detail ?? ''}`;
    if (/empty/.test(detail)) return 'Your cart is empty. Add something before placing the order.';
    if (/do not exist/.test(detail)) return 'An item in your cart is no longer sold. Remove it and try again.';
    return 'This order was already placed with other details. Review your cart and place it again.';
  }
  return sentence(err, { 400: 'That payment card was not accepted. Choose one of the test cards.' });
}

export function Checkout() {
  const signedIn = user.use();
  const view = cart.use();
  const [token, setToken] = useState<string>('tok_visa');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (signedIn) loadCart().catch((err: unknown) => setError(sentence(err)));
  }, [signedIn?.id]);

  if (signedIn === undefined) return <p>Loading…</p>;
  if (!signedIn) {
    return (
      <section class="narrow">
        <Heading title="Checkout">Checkout</Heading>
        <p>
          To place your order, <Link href="/signin?next=/checkout">sign in</Link> or{' '}
          <Link href="/register?next=/checkout">create an account</Link>. Your cart is kept.
        </p>
      </section>
    );
  }

  const place = async () => {
    setBusy(true);
    setError(undefined);
    const key = idempotencyKey(JSON.stringify({ user: signedIn.id, lines: view.lines, token }));
    try {
      const order = await api<Order>('POST', '/orders', {
        body: { payment: { token } },
        headers: { 'idempotency-key': key },
      });
      sessionStorage.removeItem(keyStore);
      forgetCart();
      navigate(`/orders/${order.id}`);
    } catch (err) {
      setError(orderError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <Heading title="Checkout">Checkout</Heading>
      {view.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/">Browse products</Link>.
        </p>
      ) : (
        <ul class="summary" aria-label="Order summary">
          {view.lines.map((l) => (
            <li key={l.productId}>
              {l.quantity} × <ProductName id={l.productId} /> — {money(l.unitPriceCents * l.quantity, view.currency)}
            </li>
          ))}
        </ul>
      )}
      <p class="total">
        Total: <strong>{money(view.totalCents, view.currency)}</strong>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void place();
        }}
      >
        <fieldset>
          <legend>Payment card (simulated provider)</legend>
          {cards.map((c) => (
            <div class="choice" key={c.token}>
              <input
                type="radio"
                id={`card-${c.token}`}
                name="card"
                value={c.token}
                checked={token === c.token}
                onChange={() => setToken(c.token)}
              />
              <label for={`card-${c.token}`}>
                {c.label} <code>{c.token}</code>
              </label>
            </div>
          ))}
        </fieldset>
        <Alert message={error} />
        <button type="submit" aria-disabled={busy ? 'true' : undefined} disabled={view.lines.length === 0}>
          {busy ? 'Placing order…' : 'Place order'}
        </button>
      </form>
    </section>
  );
}
