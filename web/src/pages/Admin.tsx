import { useEffect, useState } from 'preact/hooks';
import { api, call, query } from '../api.ts';
import { ApiError, sentence } from '../errors.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import { isAdmin, user } from '../session.ts';
import type { Page, Product, Stock } from '../types.ts';
import { Alert, Field, Heading, Status } from '../ui.tsx';

function NeedsAdmin() {
  const signedIn = user.use();
  return (
    <section>
      <Heading title="Admin">Admin</Heading>
      {signedIn ? (
        <p>This page needs an administrator account.</p>
      ) : (
        <p>
          <Link href="/signin?next=/admin">Sign in</Link> with an administrator account.
        </p>
      )}
    </section>
  );
}

function StockCell(props: { productId: string }) {
  const [stock, setStock] = useState<Stock | string>();
  useEffect(() => {
    api<Stock>('GET', `/inventory/${props.productId}`).then(setStock, (err: unknown) =>
      setStock(err instanceof ApiError && err.status === 404 ? 'none' : 'unknown'),
    );
  }, [props.productId]);
  if (stock === undefined) return <span>…</span>;
  if (typeof stock === 'string') return <span>{stock}</span>;
  return (
    <span>
      {stock.onHand} on hand, {stock.available} available
    </span>
  );
}

/** The stock levels of the catalog, a page at a time, each with a link to edit the product and its stock. */
export function Admin() {
  const signedIn = user.use();
  const [page, setPage] = useState<Page<Product>>();
  const [cursors, setCursors] = useState<string[]>(['']);
  const [error, setError] = useState<string>();
  const cursor = cursors[cursors.length - 1] ?? '';
  useEffect(() => {
    if (!isAdmin(signedIn)) return;
    api<Page<Product>>('GET', `/products${query({ limit: 20, cursor })}`).then(setPage, (err: unknown) =>
      setError(sentence(err)),
    );
  }, [signedIn?.id, cursor]);
  if (!isAdmin(signedIn)) return <NeedsAdmin />;
  return (
    <section>
      <Heading title="Admin: stock">Stock and products</Heading>
      <Alert message={error} />
      <table>
        <caption class="visually-hidden">Products with their stock</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Price</th>
            <th scope="col">Stock</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((p) => (
            <tr key={p.id} data-product={p.sku}>
              <td>
                <Link href={`/admin/products/${p.id}`}>{p.name}</Link>
              </td>
              <td>{money(p.priceCents, p.currency)}</td>
              <td>
                <StockCell productId={p.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        {cursors.length > 1 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {page?.nextCursor && (
          <button type="button" onClick={() => setCursors([...cursors, page.nextCursor ?? ''])}>
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}

const toCents = (text: string): number | undefined => {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0')) : undefined;
};

function StockForm(props: { productId: string }) {
  // what the admin saw when the form was filled: a save over a different count is a conflict
  const [seen, setSeen] = useState<Stock>();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const load = () =>
    api<Stock>('GET', `/inventory/${props.productId}`).then(
      (s) => {
        setSeen(s);
        setValue(String(s.onHand));
      },
      (err: unknown) => setError(sentence(err, { 404: 'This product has no stock record yet; saving creates one.' })),
    );
  useEffect(() => void load(), [props.productId]);

  const save = async () => {
    setError(undefined);
    setStatus(undefined);
    const onHand = Number(value);
    if (!/^\d+$/.test(value.trim()) || onHand > 1_000_000_000) {
      return setError('Stock on hand: enter a whole number of 0 or more.');
    }
    try {
      // the API has no conditional write for stock: compare with what the admin saw just before writing
      const now = await api<Stock>('GET', `/inventory/${props.productId}`).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      });
      if (now && seen && now.onHand !== seen.onHand) {
        setSeen(now);
        return setError(
          `Conflict: someone else changed the stock from ${seen.onHand} to ${now.onHand} while you were editing. ` +
            `Your value ${onHand} is kept; press “Save stock” again to replace theirs.`,
        );
      }
      const saved = await api<Stock>('PUT', `/inventory/${props.productId}`, { body: { onHand } });
      setSeen(saved);
      setStatus(`Stock saved: ${saved.onHand} on hand, ${saved.available} available.`);
    } catch (err) {
      setError(sentence(err, { 409: 'Stock cannot go below what is already reserved or sold for open orders.' }));
    }
  };

  return (
    <form
      aria-labelledby="stock-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="stock-heading">Stock</h2>
      {seen && (
        <p class="muted" data-stock={seen.onHand}>
          {seen.onHand} on hand, {seen.reserved} reserved, {seen.available} available
        </p>
      )}
      <Field
        label="Stock on hand"
        name="onHand"
        inputMode="numeric"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <Alert message={error} id="stock-error" />
      <Status message={status} />
      <button type="submit">Save stock</button>
    </form>
  );
}

interface Draft {
  name: string;
  description: string;
  price: string;
  category: string;
}

const draftOf = (p: Product): Draft => ({
  name: p.name,
  description: p.description,
  price: (p.priceCents / 100).toFixed(2),
  category: p.category,
});

function ProductForm(props: { productId: string }) {
  const [base, setBase] = useState<Product>();
  const [draft, setDraft] = useState<Draft>();
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string>();
  const fetchLatest = () => api<Product>('GET', `/products/${props.productId}`);
  useEffect(() => {
    fetchLatest().then(
      (p) => {
        setBase(p);
        setDraft(draftOf(p));
      },
      (err: unknown) => setError(sentence(err, { 404: 'This product does not exist or was removed.' })),
    );
  }, [props.productId]);
  if (!draft || !base) return <Alert message={error} />;

  const save = async () => {
    setError(undefined);
    setFields({});
    setStatus(undefined);
    const priceCents = toCents(draft.price);
    if (priceCents === undefined) return setFields({ priceCents: 'Price: enter an amount like 12.50.' });
    // only what the admin changed: a field someone else changed meanwhile is not written back
    const was = draftOf(base);
    const changes = {
      ...(draft.name !== was.name && { name: draft.name }),
      ...(draft.description !== was.description && { description: draft.description }),
      ...(priceCents !== base.priceCents && { priceCents }),
      ...(draft.category !== was.category && { category: draft.category }),
    };
    if (Object.keys(changes).length === 0) return setStatus('Nothing to save: no field was changed.');
    try {
      const { body } = await call<Product>('PATCH', `/session/api/v1/products/${base.id}`, {
        body: changes,
        headers: { 'if-match': `"${base.version}"` },
      });
      setBase(body);
      setDraft(draftOf(body));
      setStatus(`Saved (version ${body.version}).`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        const latest = await fetchLatest().catch(() => undefined);
        if (latest) {
          // the admin's edits on top of the latest version: their fields kept, the others refreshed
          const theirs = draftOf(latest);
          const mine = Object.fromEntries(
            (Object.keys(was) as (keyof Draft)[]).map((k) => [k, draft[k] !== was[k] ? draft[k] : theirs[k]]),
          ) as unknown as Draft;
          setBase(latest);
          setDraft(mine);
        }
        setError(
          `Conflict: someone else saved this product while you were editing` +
            (latest
              ? ` (now “${latest.name}” at ${money(latest.priceCents, latest.currency)}, version ${latest.version})`
              : '') +
            '. Your changes are kept below over their version; press “Save product” again to apply them.',
        );
        return;
      }
      if (err instanceof ApiError) setFields(err.fields);
      setError(sentence(err));
    }
  };

  const set = (k: keyof Draft) => (e: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [k]: e.currentTarget.value });
  return (
    <form
      aria-labelledby="product-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="product-heading">Product</h2>
      <Field label="Name" name="name" required value={draft.name} error={fields.name} onInput={set('name')} />
      <Field
        label="Description"
        name="description"
        value={draft.description}
        error={fields.description}
        onInput={set('description')}
      />
      <Field
        label={`Price (${base.currency})`}
        name="priceCents"
        inputMode="decimal"
        value={draft.price}
        error={fields.priceCents}
        onInput={set('price')}
      />
      <Field
        label="Category"
        name="category"
        required
        value={draft.category}
        error={fields.category}
        onInput={set('category')}
      />
      <Alert message={error} id="product-error" />
      <Status message={status} />
      <button type="submit">Save product</button>
    </form>
  );
}

/** One product's edit page: its fields (conditional on its version) and its stock. */
export function AdminProduct(props: { id: string }) {
  const signedIn = user.use();
  if (!isAdmin(signedIn)) return <NeedsAdmin />;
  return (
    <section class="narrow">
      <Heading title="Edit product">Edit product</Heading>
      <ProductForm productId={props.id} />
      <StockForm productId={props.id} />
      <p>
        <Link href="/admin">Back to stock levels</Link>
      </p>
    </section>
  );
}
