import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storefront } from '@shopstack/web';
import { startLocalStorefront } from '../scripts/local/storefront.ts';
import { serviceNames } from '../services/manifests.ts';
import {
  type AxeResult,
  axe,
  launchChromium,
  screenshot,
  serious,
  tabTo,
  type TestBrowser,
  writeArtifact,
} from './support/browser.ts';
import { checkoutClient, type CheckoutClient, eventually } from './support/checkout.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, storefrontEnv } from './support/storefront.ts';

// Access tokens live 25 s, so the web server renews sessions (in HttpOnly cookies) during the run.
const env = {
  ...storefrontEnv,
  identity: { ...storefrontEnv.identity, ACCESS_TOKEN_TTL_SECONDS: '25' },
  gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '100000' },
};

describe('the storefront in Chromium, against a local stack', () => {
  let stack: TestStack;
  let storefront: Storefront;
  let browser: TestBrowser;
  let api: CheckoutClient;
  const a11y: AxeResult[] = [];
  const mugs = { stoneware: 'Stoneware Coffee Mug', travel: 'Insulated Travel Mug' };
  let productIds: Record<string, string> = {};

  /** axe-core in the page (no serious or critical violation) and a screenshot for the CI artifacts. */
  const check = async (page: Page, name: string): Promise<void> => {
    const result = await axe(page, name);
    a11y.push(result);
    await screenshot(page, name);
    expect(serious(result), `${name}: ${JSON.stringify(serious(result))}`).toEqual([]);
  };
  const at = (path: string) => new URL(path, storefront.url).toString();
  const register = async (page: Page, next = '/') => {
    const email = `web-${randomUUID()}@example.com`;
    const password = 'a long enough password';
    await page.goto(at(`/register?next=${encodeURIComponent(next)}`));
    await page.getByLabel('Name').fill('Web Shopper');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Signed in as Web Shopper').waitFor();
    return { email, password };
  };
  const addToCart = async (page: Page, name: string) => {
    await page.getByRole('button', { name: `Add to cart: ${name}` }).click();
    await page.getByText(`Added ${name} to your cart.`).waitFor();
  };

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, { env });
    storefront = await startLocalStorefront(stack, { port: 0 });
    api = checkoutClient(stack);
    const all = await api.call('GET', '/api/v1/products?limit=100');
    productIds = Object.fromEntries((all.body.items as { id: string; name: string }[]).map((p) => [p.name, p.id]));
    for (const id of Object.values(productIds)) await api.setStock(id, 1000);
    browser = await launchChromium();
  });

  afterAll(async () => {
    writeArtifact('storefront-a11y.json', a11y);
    await browser?.close();
    await storefront?.stop();
    await stack?.stop();
  });

  it('a new visitor searches, adds two products, registers, pays with tok_visa and sees CONFIRMED live', async () => {
    const { context, page, errors } = await browser.visitor();
    await page.goto(storefront.url);
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await check(page, 'products');

    await page.getByLabel('Search products').fill('mug');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Results for “mug”' }).waitFor();
    await addToCart(page, mugs.stoneware);
    await addToCart(page, mugs.travel);
    await check(page, 'search');

    await page.getByRole('link', { name: mugs.travel }).click();
    await page.getByRole('heading', { name: mugs.travel }).waitFor();
    await check(page, 'product');

    await page.getByRole('link', { name: 'Cart (2)' }).click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    expect(await page.locator('[data-total]').textContent()).toBe('$40.00'); // 14.00 + 26.00, catalog prices
    await check(page, 'cart');

    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('link', { name: 'create an account' }).click();
    await check(page, 'register');
    const user = await register(page, '/checkout');
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByRole('list', { name: 'Order summary' }).getByRole('listitem').nth(1).waitFor();
    await check(page, 'checkout');

    await page.getByLabel(/approved tok_visa/).check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    // a mark in the page's memory: if the page reloaded to show the new status, the mark would be gone
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 42));
    await page.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(42);
    expect(await page.locator('[data-live]').getAttribute('data-live')).toBe('live');
    await check(page, 'order-confirmed');

    const session = await api.login(user.email, user.password);
    const orders = await api.call('GET', '/api/v1/orders', { token: session.accessToken });
    expect(orders.body.items).toHaveLength(1);
    expect(orders.body.items[0]).toMatchObject({ status: 'CONFIRMED', totalCents: 4000 });
    expect((await api.call('GET', '/api/v1/cart', { token: session.accessToken })).body.items).toEqual([]);

    // the tokens live in HttpOnly, SameSite=Strict cookies: the page's script sees none of them
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path]).sort()).toEqual([
      ['shopstack_access', true, 'Strict', '/session'],
      ['shopstack_refresh', true, 'Strict', '/session'],
    ]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toMatch(/eyJ/);

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.locator('tr[data-order] [data-status="CONFIRMED"]').waitFor();
    await check(page, 'orders');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.goto(at('/orders'));
    await page.getByText('Sign in to see your orders.').waitFor();
    expect(errors).toEqual([]);
  });

  it('the session endpoint keeps tokens in HttpOnly cookies, renews them, refuses other sites and revokes on sign-out', async () => {
    const origin = new URL(storefront.url).origin;
    const body = JSON.stringify({ email: ADMIN.email, password: ADMIN.password });
    const post = (path: string, headers: Record<string, string>, payload?: string) =>
      fetch(at(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    expect((await post('/session/login', { origin: 'https://elsewhere.example' }, body)).status).toBe(403);

    const login = await post('/session/login', { origin }, body);
    expect(login.status).toBe(200);
    expect(await login.text()).not.toMatch(/eyJ|accessToken|refreshToken/);
    const setCookies = login.headers.getSetCookie();
    expect(setCookies).toHaveLength(2);
    for (const c of setCookies) expect(c).toMatch(/; Path=\/session; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const jar = Object.fromEntries(setCookies.map((c) => c.split(';')[0]!.split('=') as [string, string]));
    const refreshToken = decodeURIComponent(jar.shopstack_refresh!);
    expect((await post('/session/api/v1/auth/refresh', { origin }, JSON.stringify({ refreshToken }))).status).toBe(404);

    // without its access cookie the session is renewed from the refresh cookie; the old refresh token dies
    const renewed = await fetch(at('/session'), { headers: { cookie: `shopstack_refresh=${jar.shopstack_refresh}` } });
    expect((await renewed.json()).user.email).toBe(ADMIN.email);
    const next = Object.fromEntries(
      renewed.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]),
    );
    expect(next.shopstack_refresh).not.toBe(jar.shopstack_refresh);
    expect((await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    const cookie = `shopstack_access=${next.shopstack_access}; shopstack_refresh=${next.shopstack_refresh}`;
    const stock = await fetch(at(`/session/api/v1/inventory/${productIds[mugs.travel]}`), { headers: { cookie } });
    expect(stock.status).toBe(200);

    const out = await post('/session/logout', { origin, cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().every((c) => c.includes('Max-Age=0'))).toBe(true);
    const revoked = await api.call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: decodeURIComponent(next.shopstack_refresh!) },
    });
    expect(revoked.status).toBe(401);
  });

  it('the order page resumes its event stream with Last-Event-ID after the connection drops', async () => {
    const { page } = await browser.visitor();
    await register(page);
    const resumedFrom: string[] = [];
    page.on('request', (req) => {
      if (!req.url().includes('/notifications/stream')) return;
      void req.allHeaders().then((h) => {
        const id = h['last-event-id'] ?? new URL(req.url()).searchParams.get('lastEventId');
        if (id) resumedFrom.push(id);
      });
    });
    await page.goto(at(`/products/${productIds[mugs.travel]}`));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText(`Added 1 × ${mugs.travel} to your cart.`).waitFor();
    await page.goto(at('/checkout'));
    await page.getByRole('list', { name: 'Order summary' }).getByRole('listitem').waitFor();
    await page.getByLabel(/after a few seconds tok_slow/).check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.locator('[data-status="PENDING"]').waitFor();
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 7));
    // order.created has arrived: the stream has an id to resume from
    const seen = await page.waitForFunction(() =>
      document.querySelector('[data-last-event]')?.getAttribute('data-last-event'),
    );
    const lastId = (await seen.jsonValue()) as string;

    // the storefront restarts on the same port: every connection drops, the browser reconnects
    const port = Number(new URL(storefront.url).port);
    await storefront.stop();
    storefront = await startLocalStorefront(stack, { port });
    await page.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(7);
    await expect.poll(() => resumedFrom.length).toBeGreaterThan(0);
    expect(BigInt(resumedFrom[0]!)).toBeGreaterThanOrEqual(BigInt(lastId));
  });

  it('a declined card shows why the order was cancelled', async () => {
    const { page } = await browser.visitor();
    await register(page);
    await page.goto(at(`/products/${productIds[mugs.stoneware]}`));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText(`Added 1 × ${mugs.stoneware} to your cart.`).waitFor();
    await page.getByRole('link', { name: 'Cart (1)' }).click();
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByLabel(/declined tok_declined/).check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.locator('[data-status="CANCELLED"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-status]').textContent()).toBe(
      'Your card was declined, so the order was cancelled. Nothing was charged.',
    );
    await check(page, 'order-declined');
  });

  it('a double-clicked "Place order" makes one order', async () => {
    const { page } = await browser.visitor();
    const user = await register(page);
    await page.goto(at(`/products/${productIds[mugs.travel]}`));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText(`Added 1 × ${mugs.travel} to your cart.`).waitFor();
    await page.goto(at('/checkout'));
    await page.getByRole('list', { name: 'Order summary' }).getByRole('listitem').waitFor();
    const keys: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/session/api/v1/orders')) {
        keys.push(req.headers()['idempotency-key'] ?? 'none');
      }
    });
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
    const session = await api.login(user.email, user.password);
    const orders = await api.call('GET', '/api/v1/orders', { token: session.accessToken });
    expect(orders.body.items).toHaveLength(1);
    // both clicks were sent, with one Idempotency-Key: the API made one order of them
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
  });

  it('checkout works with the keyboard alone, and a slow card is followed from PENDING to CONFIRMED', async () => {
    const { page } = await browser.visitor();
    await register(page);
    await page.goto(at(`/products/${productIds[mugs.stoneware]}`));
    await page.getByRole('heading', { name: mugs.stoneware }).waitFor();
    await tabTo(page, 'Add to cart');
    await page.keyboard.press('Enter');
    await page.getByText(`Added 1 × ${mugs.stoneware} to your cart.`).waitFor();
    await tabTo(page, 'Go to cart');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    await tabTo(page, /^\s*Checkout\s*$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByRole('list', { name: 'Order summary' }).getByRole('listitem').waitFor();
    await tabTo(page, 'approved tok_visa');
    // arrow keys move within the radio group: visa → declined → slow
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel(/after a few seconds tok_slow/).isChecked()).toBe(true);
    await tabTo(page, 'Place order');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page.locator('[data-status="PENDING"]').waitFor();
    await check(page, 'order-pending');
    await page.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
  });

  it("an admin's conflicting stock and product edits show the conflict, and a second save applies", async () => {
    const { page } = await browser.visitor();
    await page.goto(at('/signin?next=/admin'));
    await check(page, 'signin');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stock and products' }).waitFor();
    await page.locator('tr[data-product] td:nth-child(3)', { hasText: 'on hand' }).first().waitFor();
    await check(page, 'admin');

    const id = productIds['Gooseneck Kettle'] as string;
    await page.getByRole('link', { name: 'Gooseneck Kettle' }).click();
    await page.locator('[data-stock="1000"]').waitFor();
    await check(page, 'admin-product');

    // access tokens live 25 s here: a new client logs in again
    api = checkoutClient(stack);
    await api.setStock(id, 7); // another admin, meanwhile
    await page.getByLabel('Stock on hand').fill('50');
    await page.getByRole('button', { name: 'Save stock' }).click();
    await expect
      .poll(() => page.locator('#stock-error').textContent())
      .toContain('Conflict: someone else changed the stock from 1000 to 7 while you were editing');
    expect(await page.getByLabel('Stock on hand').inputValue()).toBe('50'); // nothing lost
    await page.getByRole('button', { name: 'Save stock' }).click();
    await page.getByText('Stock saved: 50 on hand').waitFor();
    expect((await api.stock(id)).onHand).toBe(50);

    const admin = await api.login(ADMIN.email, ADMIN.password);
    const current = await api.call('GET', `/api/v1/products/${id}`);
    const patched = await api.call('PATCH', `/api/v1/products/${id}`, {
      token: admin.accessToken,
      body: { priceCents: 6100 },
      headers: { 'if-match': current.headers.get('etag') as string },
    });
    expect(patched.status).toBe(200);
    await page.getByLabel('Name').fill('Gooseneck Kettle Pro');
    await page.getByRole('button', { name: 'Save product' }).click();
    await expect
      .poll(() => page.locator('#product-error').textContent())
      .toContain('Conflict: someone else saved this product while you were editing (now “Gooseneck Kettle” at $61.00');
    await screenshot(page, 'admin-conflict');
    // the admin's edit is kept, the field they did not touch shows the other admin's price
    expect(await page.getByLabel('Name').inputValue()).toBe('Gooseneck Kettle Pro');
    expect(await page.getByLabel('Price (USD)').inputValue()).toBe('61.00');
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.getByText(/^Saved \(version \d+\)\.$/).waitFor();
    const saved = (await api.call('GET', `/api/v1/products/${id}`)).body;
    expect([saved.name, saved.priceCents]).toEqual(['Gooseneck Kettle Pro', 6100]);
  });

  it('a throttled sign-in shows its retry hint and keeps the form; an unreachable API is said so', async () => {
    const { page } = await browser.visitor();
    const victim = await api.register();
    await page.goto(at('/signin'));
    await page.getByLabel('E-mail').fill(victim.user.email);
    await page.getByLabel('Password').fill('not the password');
    const alert = page.getByRole('alert');
    // identity throttles an account after 3 failures (storefrontEnv)
    await eventually('a 429 on sign-in', async () => {
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
      const text = (await alert.textContent()) ?? '';
      if (!text.includes('Too many')) {
        expect(text).toBe('That e-mail and password do not match an account.');
        return undefined;
      }
      return text;
    });
    expect(await alert.textContent()).toMatch(
      /^Too many requests in a short time\. Please wait \d+ seconds? and try again\.$/,
    );
    expect(await page.getByLabel('E-mail').inputValue()).toBe(victim.user.email);

    const orphan = await startLocalStorefront({ gatewayUrl: 'http://127.0.0.1:9' }, { port: 0 });
    try {
      await page.goto(orphan.url);
      await expect
        .poll(() => page.getByRole('alert').first().textContent())
        .toBe(
          'We cannot reach the shop right now. Check your connection and try again in a moment; nothing you entered is lost.',
        );
    } finally {
      await orphan.stop();
    }
  });
});
