import { useEffect, useState } from 'preact/hooks';
import { cart, type CartLine, loadCart, setQuantity } from '../cart.ts';
import { sentence } from '../errors.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import { user } from '../session.ts';
import { Alert, Heading, Status } from '../ui.tsx';
import { ProductName } from './ProductName.tsx';

function Line(props: { line: CartLine; currency: string; onError: (m: string) => void; onDone: (m: string) => void }) {
  const { line } = props;
  const [quantity, setQ] = useState(String(line.quantity));
  useEffect(() => setQ(String(line.quantity)), [line.quantity]);
  const save = (q: number) =>
    setQuantity(line.productId, q).then(
      () => props.onDone(q === 0 ? 'Removed from your cart.' : 'Quantity updated.'),
      (err: unknown) => props.onError(sentence(err)),
    );
  const id = `qty-${line.productId}`;
  return (
    <tr data-line={line.productId}>
      <td>
        <ProductName id={line.productId} />
      </td>
      <td>{money(line.unitPriceCents, props.currency)}</td>
      <td>
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const q = Number(quantity);
            if (!Number.isInteger(q) || q < 0 || q > 99)
              return props.onError('Quantity: enter a whole number from 0 to 99.');
            void save(q);
          }}
        >
          <label for={id} class="visually-hidden">
            Quantity
          </label>
          <input id={id} type="number" min={0} max={99} value={quantity} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit">Update</button>
        </form>
      </td>
      <td>{money(line.unitPriceCents * line.quantity, props.currency)}</td>
      <td>
        <button type="button" class="secondary" onClick={() => void save(0)}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function CartPage() {
  const view = cart.use();
  const signedIn = user.use();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  useEffect(() => {
    loadCart().catch((err: unknown) => setError(sentence(err)));
  }, [signedIn?.id]);

  return (
    <section>
      <Heading title="Cart">Your cart</Heading>
      <Alert message={error} />
      <Status message={status} />
      {view.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/">Browse products</Link>.
        </p>
      ) : (
        <>
          <table>
            <caption class="visually-hidden">Items in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Subtotal</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.lines.map((l) => (
                <Line
                  key={l.productId}
                  line={l}
                  currency={view.currency}
                  onError={(m) => (setStatus(undefined), setError(m))}
                  onDone={(m) => (setError(undefined), setStatus(m))}
                />
              ))}
            </tbody>
          </table>
          <p class="total">
            Total: <strong data-total>{money(view.totalCents, view.currency)}</strong>
          </p>
          <p>
            <Link href="/checkout" class="button">
              Checkout
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
