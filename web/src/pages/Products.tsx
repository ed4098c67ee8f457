import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { addToCart } from '../cart.ts';
import { sentence } from '../errors.ts';
import { money } from '../money.ts';
import { Link, location, navigate } from '../router.tsx';
import type { Page, Product } from '../types.ts';
import { Alert, Heading, Status } from '../ui.tsx';

const pageSize = 12;
let categories: Promise<string[]> | undefined;
/** The categories of the first hundred products (the API has no category list). */
function loadCategories(): Promise<string[]> {
  categories ??= api<Page<Product>>('GET', '/products?limit=100').then((p) =>
    [...new Set(p.items.map((i) => i.category))].sort(),
  );
  categories.catch(() => (categories = undefined));
  return categories;
}

// the cursors of the pages before this one, to go back
const trail: string[] = [];

export function Products() {
  const url = location.use();
  const q = url.searchParams.get('q') ?? '';
  const category = url.searchParams.get('category') ?? '';
  const cursor = url.searchParams.get('cursor') ?? '';
  const [page, setPage] = useState<Page<Product> | undefined>();
  const [cats, setCats] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [search, setSearch] = useState(q);

  useEffect(() => void loadCategories().then(setCats, () => undefined), []);
  useEffect(() => setSearch(q), [q]);
  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    api<Page<Product>>('GET', `/products${query({ q, category, cursor, limit: pageSize })}`, { signal: abort.signal })
      .then(setPage)
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError')
          setError(sentence(err, { 400: 'That search could not be run. Try other words.' }));
      });
    return () => abort.abort();
  }, [q, category, cursor]);

  const go = (params: { q?: string; category?: string; cursor?: string }) => {
    const next = { q, category, ...params };
    if (params.cursor === undefined) trail.length = 0;
    navigate(`/${query({ q: next.q, category: next.category, cursor: params.cursor })}`);
  };

  const add = async (p: Product) => {
    setStatus(undefined);
    try {
      await addToCart(p.id, 1);
      setStatus(`Added ${p.name} to your cart.`);
    } catch (err) {
      setError(sentence(err));
    }
  };

  return (
    <section>
      <Heading title={q ? `Search: ${q}` : 'Products'}>{q ? `Results for “${q}”` : 'Products'}</Heading>
      <div class="filters">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: search.trim() });
          }}
        >
          <label for="search">Search products</label>
          <input id="search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          <button type="submit">Search</button>
        </form>
        <div>
          <label for="category">Category</label>
          <select id="category" value={category} onChange={(e) => go({ category: e.currentTarget.value })}>
            <option value="">All categories</option>
            {cats.map((c) => (
              <option value={c} key={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Alert message={error} />
      <Status message={status} />
      {page && page.items.length === 0 && <p>No products match. Try another search or category.</p>}
      <ul class="grid" aria-label="Products">
        {page?.items.map((p) => (
          <li class="card" key={p.id} data-product={p.sku}>
            <h2>
              <Link href={`/products/${p.id}`}>{p.name}</Link>
            </h2>
            <p class="muted">{p.category}</p>
            <p class="price">{money(p.priceCents, p.currency)}</p>
            <button type="button" aria-label={`Add to cart: ${p.name}`} onClick={() => void add(p)}>
              Add to cart
            </button>
          </li>
        ))}
      </ul>
      <nav class="pager" aria-label="Pages">
        {trail.length > 0 && (
          <button
            type="button"
            onClick={() => navigate(`/${query({ q, category, cursor: trail.pop() || undefined })}`)}
          >
            Previous page
          </button>
        )}
        {page?.nextCursor && (
          <button
            type="button"
            onClick={() => {
              trail.push(cursor);
              navigate(`/${query({ q, category, cursor: page.nextCursor ?? undefined })}`);
            }}
          >
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}
