// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core: headless, fresh profile, no network extras.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ARTEFACTS = resolve(import.meta.dirname, '../../test-results');

export interface Studio {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
  /** Uncaught errors in any of the studio's pages so far. */
  errors: () => string[];
  /** Saves a screenshot under e2e/test-results/ and returns its path. */
  screenshot: (name: string) => Promise<string>;
}

export async function openStudio(url: string): Promise<Studio> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'lvcd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    context,
    page,
    errors: () => [...errors],
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
    screenshot: async (name) => {
      mkdirSync(ARTEFACTS, { recursive: true });
      const path = join(ARTEFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
