import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '@shopstack/dashboard';
import { startLocalDashboard } from '../scripts/local/dashboard.ts';
import { manifests, serviceNames } from '../services/manifests.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

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

describe('the Dapr view of a local run, in Chromium', () => {
  let stack: TestStack;
  let dashboard: Dashboard;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack(serviceNames);
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
    await stack?.stop();
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
