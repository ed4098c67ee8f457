import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, gatewayAuth } from '@shopstack/dashboard';
import { startLocalDashboard } from '../scripts/local/dashboard.ts';
import { manifests, serviceNames } from '../services/manifests.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, apiClient } from './support/storefront.ts';

const artifacts = resolve(import.meta.dirname, '..', '.ci', 'artifacts');

// Debian's Chromium, no downloaded browser; flags keep it from calling home or needing a GPU
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// one stack for both views, with an admin account
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(serviceNames, {
    env: { identity: { SHOPSTACK_ADMIN_EMAIL: ADMIN.email, SHOPSTACK_ADMIN_PASSWORD: ADMIN.password } },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the Dapr view of a local run, in Chromium', () => {
  let dashboard: Dashboard;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dashboard = await startLocalDashboard(stack, { port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'dapr-view-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1440, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    await page.goto(dashboard.url);
    await page
      .locator('tr[data-app]')
      .nth(serviceNames.length - 1)
      .waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await dashboard?.stop();
  });

  it('says that it is open, as a local view', async () => {
    expect(await page.locator('#access').getAttribute('data-access')).toBe('open');
  });

  it('lists all 8 apps, each with a healthy sidecar', async () => {
    const rows = page.locator('tr[data-app]');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-app')).sort())).toEqual(
      [...serviceNames].sort(),
    );
    expect(
      await rows.locator('[data-health]').evaluateAll((pills) => pills.map((p) => p.getAttribute('data-health'))),
    ).toEqual(serviceNames.map(() => 'healthy'));
  });

  it('shows the orderstore component with its outbox topic', async () => {
    const topic = page.locator('tr[data-component="orderstore"] [data-metadata="outboxPublishTopic"]');
    expect(await topic.textContent()).toMatch(/^outboxPublishTopic: orders\b/);
  });

  it("shows catalog's access-control policy allowing exactly its callers", async () => {
    const policies = page.locator('tr[data-configuration="catalog"] li[data-policy-app]');
    const allowed = await policies.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-policy-app')).sort());
    expect(allowed).toEqual(manifests.catalog.callers.map((c) => c.appId).sort());
    expect(allowed).toEqual(['cart', 'gateway', 'inventory', 'orders']);
  });

  it('refreshes by itself, saves a screenshot and logs no console errors', async () => {
    const refreshed = page.waitForResponse((res) => res.url().endsWith('/api/view') && res.ok(), { timeout: 10_000 });
    await refreshed;
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'dapr-view.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});

describe('the Dapr view as on the ingress (admins only), in Chromium', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let viewUrl: string;

  /** A fresh browser profile: no cookies. */
  const visitor = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext();
    return { context, page: await context.newPage() };
  };
  const logIn = async (page: Page, email: string, password: string): Promise<void> => {
    await page.goto(viewUrl);
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await Promise.all([page.waitForLoadState('load'), page.locator('button[type="submit"]').click()]);
  };
  /** The status of the view's data as the page's own script would fetch it (with its cookies). */
  const viewStatus = (page: Page): Promise<number> =>
    page.evaluate(async () => (await fetch('api/view', { credentials: 'same-origin' })).status);

  beforeAll(async () => {
    dashboard = await startLocalDashboard(stack, { port: 0, auth: gatewayAuth(stack.gatewayUrl) });
    // a Secure cookie needs https or localhost: the browser speaks to the view as localhost
    viewUrl = dashboard.url.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it('sends a logged-out visitor to the login, and answers its data with 401', async () => {
    const { context, page } = await visitor();
    const res = await page.goto(viewUrl);
    expect(new URL(page.url()).pathname).toBe('/dapr/login');
    expect(res?.status()).toBe(200);
    expect(await page.locator('form[action="login"] input[type="password"]').count()).toBe(1);
    expect(await page.locator('tr[data-app]').count()).toBe(0);
    expect(await viewStatus(page)).toBe(401);
    await context.close();
  });

  it('refuses a wrong password with 401 and sets no cookie', async () => {
    const { context, page } = await visitor();
    await page.goto(viewUrl);
    await page.locator('input[name="email"]').fill(ADMIN.email);
    await page.locator('input[name="password"]').fill('not the password');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('button[type="submit"]').click(),
    ]);
    expect(answer.status()).toBe(401);
    expect(await page.locator('[data-login-error="refused"]').count()).toBe(1);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('answers a logged-in customer 403, page and data', async () => {
    const customer = { email: `c-${Date.now()}@example.com`, password: 'a long enough password' };
    await apiClient(stack).register(customer);
    const { context, page } = await visitor();
    await logIn(page, customer.email, customer.password);
    expect(new URL(page.url()).pathname).toBe('/dapr/');
    expect(await page.locator('h2').textContent()).toBe('Admins only');
    expect(await page.evaluate(async () => (await fetch('./')).status)).toBe(403);
    expect(await viewStatus(page)).toBe(403);
    await context.close();
  });

  it('shows an admin the view, the token only in an HttpOnly, Secure, SameSite=Strict cookie', async () => {
    const { context, page } = await visitor();
    await logIn(page, ADMIN.email, ADMIN.password);
    await page
      .locator('tr[data-app]')
      .nth(serviceNames.length - 1)
      .waitFor();
    expect(await viewStatus(page)).toBe(200);
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({
      name: 'dapr_session',
      path: '/dapr',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });
    // the page's JavaScript cannot read it, nor finds the token anywhere it can reach
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(
      await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
    ).not.toContain(cookie?.value.slice(0, 20));
    expect(await page.locator('#access').getAttribute('data-access')).toBe('admin');

    // logging out ends the session
    await Promise.all([page.waitForURL(/\/dapr\/login$/), page.locator('#access button').click()]);
    expect(await viewStatus(page)).toBe(401);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('refuses a login form posted from another site', async () => {
    const res = await fetch(`${dashboard.url}login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams(ADMIN).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a login form posted from another origin', async () => {
    const res = await fetch(`${dashboard.url}login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams(ADMIN).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
