import { useState } from 'preact/hooks';
import { mergeGuestCart } from '../cart.ts';
import { ApiError, sentence } from '../errors.ts';
import { Link, location, navigate } from '../router.tsx';
import { register, signIn } from '../session.ts';
import { Alert, Field, Heading } from '../ui.tsx';

/** Where to go after signing in: `?next=` when it is a path of this site. */
function nextPath(url: URL): string {
  const next = url.searchParams.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

async function afterSignIn(url: URL, setError: (m: string) => void): Promise<void> {
  try {
    await mergeGuestCart();
  } catch (err) {
    setError(`You are signed in, but your cart could not be brought over: ${sentence(err)}`);
    return;
  }
  navigate(nextPath(url));
}

export function SignIn() {
  const url = location.use();
  const [form, setForm] = useState({ email: '', password: '' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <section class="narrow">
      <Heading title="Sign in">Sign in</Heading>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await signIn(form.email, form.password);
            await afterSignIn(url, setError);
          } catch (err) {
            setError(sentence(err, { 401: 'That e-mail and password do not match an account.' }));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={form.password}
          onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
        />
        <Alert message={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        New here? <Link href={`/register${url.search}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function Register() {
  const url = location.use();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  return (
    <section class="narrow">
      <Heading title="Create an account">Create an account</Heading>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setFields({});
          try {
            await register(form.email, form.password, form.name);
            await afterSignIn(url, setError);
          } catch (err) {
            if (err instanceof ApiError) setFields(err.fields);
            setError(sentence(err, { 409: 'An account with this e-mail already exists. Sign in instead.' }));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field
          label="Name"
          name="name"
          autoComplete="name"
          required
          value={form.name}
          error={fields.name}
          onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
        />
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          error={fields.email}
          onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
        <Field
          label="Password (at least 10 characters)"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          error={fields.password}
          onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
        />
        <Alert message={error} />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Have an account? <Link href={`/signin${url.search}`}>Sign in</Link>
      </p>
    </section>
  );
}
