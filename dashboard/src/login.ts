// The login of the Dapr view on the ingress: its page, its form, its session cookie. The token lives only
// in an HttpOnly, Secure, SameSite=Strict cookie scoped to the view's path: the page's JavaScript never
// sees it, and no other site can make the browser send it.
import type { IncomingMessage } from 'node:http';
import type { LoginResult } from './admin-auth.ts';

export const sessionCookie = 'dapr_session';
const maxFormBytes = 4_096;

/** `Set-Cookie` for a new session (or, with `token` empty, one that ends it) under `basePath`. */
export function sessionCookieHeader(basePath: string, token: string, maxAgeSeconds: number): string {
  return `${sessionCookie}=${token}; Path=${basePath}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The session token from the request's cookies, or undefined. */
export function sessionToken(req: IncomingMessage): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === sessionCookie && value.length) return value.join('=') || undefined;
  }
  return undefined;
}

/**
 * True unless the browser says the request comes from another site: its Sec-Fetch-Site, else its Origin
 * (which is "null" under the view's no-referrer policy; clients other than browsers send neither).
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export class FormError extends Error {}

/** The urlencoded form of a POST, at most 4 KiB; a FormError when it is something else. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    throw new FormError('expected a form (application/x-www-form-urlencoded)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxFormBytes) throw new FormError(`the form is larger than ${maxFormBytes} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const messages: Record<Exclude<LoginResult, { ok: true }>['reason'] | 'missing', string> = {
  refused: 'Wrong e-mail or password.',
  throttled: 'Too many failed logins: wait a minute and try again.',
  unavailable: 'The shop could not check the login right now: try again shortly.',
  missing: 'Enter the e-mail and the password of an admin account.',
};
export type LoginProblem = keyof typeof messages;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ShopStack · Dapr · ${title}</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="app.css" />
  </head>
  <body>
    <header><h1>ShopStack · Dapr</h1></header>
    <main>${body}</main>
  </body>
</html>
`;
}

/** The login form (relative URLs: it is served at `<basePath>/login`). */
export function loginPage(problem?: LoginProblem): string {
  const alert = problem ? `<p role="alert" data-login-error="${problem}">${messages[problem]}</p>` : '';
  return page(
    'log in',
    `<h2>Log in</h2>
      <p>The Dapr view is for the shop's admins: log in with an admin account.</p>
      ${alert}
      <form method="post" action="login">
        <label>E-mail <input name="email" type="email" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit">Log in</button>
      </form>`,
  );
}

/** What a logged-in user without the admin role sees. */
export function forbiddenPage(): string {
  return page(
    'admins only',
    `<h2>Admins only</h2>
      <p role="alert">This account is not an admin of the shop.</p>
      <form method="post" action="logout"><button type="submit">Log out</button></form>`,
  );
}
