// The storefront on the shared kind cluster, in Chromium through the ingress on 127.0.0.1: `/` is the
// storefront's pod (deployed by the operator from spec.storefront), `/api` still the gateway.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials, applyShop, ingressUrl } from '../../scripts/cluster/up.ts';
import { axe, launchChromium, screenshot, serious, type TestBrowser } from '../support/browser.ts';
import { checkoutClient, eventually } from '../support/checkout.ts';
import { sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

describe('the storefront through the ingress of a kind cluster', () => {
  let browser: TestBrowser;
  let productId: string;

  beforeAll(async () => {
    const { tools } = await sharedCluster((line) => console.error(line));
    await applyShop(tools, (line) => console.error(line));
    const api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
    productId = (await eventually('the API through the ingress', async () => (await api.products(1))[0])).id;
    await api.setStock(productId, 100);
    browser = await launchChromium();
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    await browser?.close();
  });

  it('serves the shop at / and the API at /api; a visitor registers, pays and sees CONFIRMED live', async () => {
    const page = await fetch(`${ingressUrl}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<div id="app">');
    const products = await fetch(`${ingressUrl}/api/v1/products?limit=1`);
    expect(products.headers.get('content-type')).toContain('application/json');

    const { page: tab, errors } = await browser.visitor();
    await tab.goto(`${ingressUrl}/`);
    await tab.getByRole('heading', { name: 'Products' }).waitFor();
    expect(serious(await axe(tab, 'cluster-products'))).toEqual([]);
    await screenshot(tab, 'cluster-products');

    await tab.goto(`${ingressUrl}/register?next=/products/${productId}`);
    await tab.getByLabel('Name').fill('Cluster Shopper');
    await tab.getByLabel('E-mail').fill(`kind-${randomUUID()}@example.com`);
    await tab.getByLabel(/^Password/).fill('a long enough password');
    await tab.getByRole('button', { name: 'Create account' }).click();
    await tab.getByText('Signed in as Cluster Shopper').waitFor();
    await tab.getByRole('button', { name: 'Add to cart' }).click();
    await tab.getByText(/^Added 1 × .* to your cart\.$/).waitFor();
    await tab.getByRole('link', { name: 'Go to cart' }).click();
    await tab.getByRole('link', { name: 'Checkout' }).click();
    await tab.getByRole('list', { name: 'Order summary' }).getByRole('listitem').waitFor();
    await tab.getByRole('button', { name: 'Place order' }).click();
    await tab.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await tab.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 60_000 });
    expect(await tab.locator('[data-live]').getAttribute('data-live')).toBe('live');
    await screenshot(tab, 'cluster-order');
    expect(errors).toEqual([]);
  });
});
