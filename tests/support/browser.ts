import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** CI keeps this folder as artifacts (.ci/run); it is gitignored. */
export const artifacts = resolve(import.meta.dirname, '..', '..', '.ci', 'artifacts');
export const screenshots = join(artifacts, 'screenshots');

// Debian's Chromium, no downloaded browser; flags keep it from calling home or needing a GPU
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TestBrowser {
  /** A fresh context (its own cookies and storage: a new visitor) with one page. */
  visitor(): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
  const contexts: BrowserContext[] = [];
  return {
    async visitor() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      return { context, page, errors };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeResult {
  readonly page: string;
  readonly passes: number;
  readonly violations: readonly { id: string; impact: string | null; nodes: number; help: string }[];
}

/** Runs axe-core (WCAG 2.x A and AA rules) inside the page and returns its violations. */
export async function axe(page: Page, name: string): Promise<AxeResult> {
  // evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<unknown> } }).axe.run;
    const r = (await run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })) as {
      passes: unknown[];
      violations: { id: string; impact: string | null; nodes: unknown[]; help: string }[];
    };
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })),
    };
  });
  return { page: name, ...result };
}

export const serious = (r: AxeResult) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

export function writeArtifact(name: string, body: unknown): void {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, name), `${JSON.stringify(body, null, 2)}\n`);
}

/** A temp dir removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Presses Tab until the focused element's text or label contains `name`; keyboard only, like a person. */
export async function tabTo(page: Page, name: string | RegExp, max = 60): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
      return `${el.getAttribute('aria-label') ?? ''} ${labelled ?? ''} ${el.textContent ?? ''}`;
    });
    if (typeof name === 'string' ? label.includes(name) : name.test(label)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}
