import { useEffect, useState } from 'preact/hooks';
import { addToCart, product } from '../cart.ts';
import { sentence } from '../errors.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import type { Product } from '../types.ts';
import { Alert, Heading, Status } from '../ui.tsx';

export function ProductPage(props: { id: string }) {
  const [p, setP] = useState<Product>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [quantity, setQuantity] = useState(1);

  useEffect(() => {
    product(props.id).then(setP, (err: unknown) =>
      setError(
        sentence(err, { 404: 'This product does not exist or was removed.', 400: 'This product does not exist.' }),
      ),
    );
  }, [props.id]);

  if (!p) {
    return (
      <section>
        <Heading title="Product">Product</Heading>
        <Alert message={error} />
        {!error && <p>Loading…</p>}
        <Link href="/">Back to products</Link>
      </section>
    );
  }
  return (
    <section>
      <Heading title={p.name}>{p.name}</Heading>
      <p class="muted">
        {p.category} · SKU {p.sku}
      </p>
      <p>{p.description}</p>
      <p class="price">{money(p.priceCents, p.currency)}</p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setStatus(undefined);
          setError(undefined);
          addToCart(p.id, quantity).then(
            () => setStatus(`Added ${quantity} × ${p.name} to your cart.`),
            (err: unknown) => setError(sentence(err)),
          );
        }}
      >
        <label for="quantity">Quantity</label>
        <input
          id="quantity"
          type="number"
          min={1}
          max={99}
          value={quantity}
          onInput={(e) => setQuantity(Math.max(1, Math.min(99, Number(e.currentTarget.value) || 1)))}
        />
        <button type="submit">Add to cart</button>
      </form>
      <Alert message={error} />
      <Status message={status} />
      <p>
        <Link href="/">Back to products</Link> · <Link href="/cart">Go to cart</Link>
      </p>
    </section>
  );
}
