import { useEffect, useState } from 'preact/hooks';
import { cart, forgetCart, loadCart } from './cart.ts';
import { sentence } from './errors.ts';
import { startLive, stopLive } from './live.ts';
import { Link, location, match, navigate } from './router.tsx';
import { isAdmin, signOut, user } from './session.ts';
import { Admin, AdminProduct } from './pages/Admin.tsx';
import { Register, SignIn } from './pages/Account.tsx';
import { CartPage } from './pages/CartPage.tsx';
import { Checkout } from './pages/Checkout.tsx';
import { OrderPage } from './pages/OrderPage.tsx';
import { Orders } from './pages/Orders.tsx';
import { ProductPage } from './pages/ProductPage.tsx';
import { Products } from './pages/Products.tsx';
import { Alert, Heading } from './ui.tsx';

function Page(props: { path: string }) {
  const { path } = props;
  if (path === '/') return <Products />;
  if (path === '/cart') return <CartPage />;
  if (path === '/checkout') return <Checkout />;
  if (path === '/signin') return <SignIn />;
  if (path === '/register') return <Register />;
  if (path === '/orders') return <Orders />;
  if (path === '/admin') return <Admin />;
  let m = match('/products/:id', path);
  if (m?.id) return <ProductPage id={m.id} />;
  m = match('/orders/:id', path);
  if (m?.id) return <OrderPage id={m.id} />;
  m = match('/admin/products/:id', path);
  if (m?.id) return <AdminProduct id={m.id} />;
  return (
    <section>
      <Heading title="Not found">Page not found</Heading>
      <p>
        <Link href="/">Browse products</Link>
      </p>
    </section>
  );
}

export function App() {
  const url = location.use();
  const signedIn = user.use();
  const view = cart.use();
  const [error, setError] = useState<string>();
  const count = view.lines.reduce((n, l) => n + l.quantity, 0);

  useEffect(() => {
    if (signedIn === undefined) return;
    if (signedIn) startLive();
    else stopLive();
    loadCart().catch((err: unknown) => setError(sentence(err)));
  }, [signedIn?.id, signedIn === undefined]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <nav aria-label="Main">
          <Link href="/" class="brand">
            ShopStack
          </Link>
          <Link href="/">Products</Link>
          <Link href="/cart">Cart ({count})</Link>
          <Link href="/orders">Orders</Link>
          {isAdmin(signedIn) && <Link href="/admin">Admin</Link>}
          <span class="spacer" />
          {signedIn ? (
            <>
              <span class="muted">Signed in as {signedIn.name}</span>
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  signOut().then(
                    () => {
                      forgetCart();
                      navigate('/');
                    },
                    (err: unknown) => setError(sentence(err)),
                  )
                }
              >
                Sign out
              </button>
            </>
          ) : (
            signedIn === null && (
              <>
                <Link href={`/signin?next=${encodeURIComponent(url.pathname)}`}>Sign in</Link>
                <Link href={`/register?next=${encodeURIComponent(url.pathname)}`}>Register</Link>
              </>
            )
          )}
        </nav>
      </header>
      <main id="main">
        <Alert message={error} />
        <Page path={url.pathname} />
      </main>
      <footer>
        <p class="muted">A demo shop on ShopStack: test cards only, nothing is charged.</p>
      </footer>
    </>
  );
}
