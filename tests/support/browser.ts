/**
 * Browser tests: the real app (API + built dashboard) on 127.0.0.1, driven by Debian's Chromium
 * through playwright-core. Nothing downloads a browser. Without /usr/bin/chromium the tests are
 * skipped with a warning locally, and fail in CI (CI=true).
 *
 *   describeBrowser('programmes', (ctx) => {
 *     it('…', async () => {
 *       const tenant = await createTenant(ctx.db);
 *       const page = await ctx.pageAs(tenant.admin);
 *       await page.goto(ctx.url('/dashboard/programs'));
 *     });
 *   });
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db/connect';
import { buildApp } from '../../src/server/app';
import { dashboardExtension } from '../../src/server/dashboard';
import { PROJECT_ROOT, ensureDashboardBuilt } from '../../src/server/dashboard-build';
import { openMigratedDatabase } from './engines';
import { TEST_PASSWORD } from './factories';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-artifacts/screenshots');

/** Flags for a quiet, offline, headless Chromium. Playwright adds a fresh temporary --user-data-dir. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Starts the API and the dashboard on a free port of 127.0.0.1. */
export async function startDashboardServer(handle: DatabaseHandle): Promise<{ app: FastifyInstance; baseUrl: string }> {
  await ensureDashboardBuilt({ log: (line) => console.log(line) });
  const config = loadConfig({ EDUZEN_JWT_SECRET: 'browser-test-secret-browser-test-secret-0123', EDUZEN_LOGIN_MAX_ATTEMPTS: '1000' });
  const app = await buildApp({ database: handle, config, logger: false, extensions: [dashboardExtension()] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the test server has no address');
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}

/** Logs in without the UI: POST /api/auth/login through the page's request context sets the cookie. */
export async function logInByApi(page: Page, baseUrl: string, user: { email: string }, password = TEST_PASSWORD): Promise<void> {
  const response = await page.request.post(`${baseUrl}/api/auth/login`, { data: { email: user.email, password } });
  if (!response.ok()) throw new Error(`login of ${user.email} failed: ${response.status()} ${await response.text()}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export type BrowserContextHandle = {
  readonly db: DatabaseHandle['db'];
  readonly baseUrl: string;
  readonly browser: Browser;
  url(pathname: string): string;
  /** A page in a fresh browser context (own cookies), signed in as `user`. */
  pageAs(user: { email: string }, options?: { language?: 'fr' | 'en'; viewport?: { width: number; height: number } }): Promise<Page>;
  /** A page in a fresh context, signed out. */
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
};

export const chromiumAvailable = existsSync(CHROMIUM_PATH);

export function describeBrowser(title: string, body: (ctx: BrowserContextHandle) => void): void {
  if (!chromiumAvailable) {
    if (process.env.CI === 'true') {
      describe(title, () => {
        it('needs Chromium', () => {
          throw new Error(`browser tests need ${CHROMIUM_PATH} (apt-get install -y chromium); CI must not skip them`);
        });
      });
      return;
    }
    console.warn(`\n[browser tests] ${CHROMIUM_PATH} is missing: "${title}" is skipped. Install it with apt-get install -y chromium.\n`);
  }
  describe.skipIf(!chromiumAvailable)(title, () => {
    let handle: DatabaseHandle | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';
    const contexts: BrowserContext[] = [];
    const pages: Page[] = [];
    async function newContextPage(options: { viewport?: { width: number; height: number }; language?: 'fr' | 'en' } = {}): Promise<Page> {
      const context = await browser!.newContext({ viewport: options.viewport ?? { width: 1366, height: 860 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
      contexts.push(context);
      if (options.language === 'en') await context.addInitScript(() => localStorage.setItem('eduzen.language', 'en'));
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      pages.push(page);
      return page;
    }
    const ctx: BrowserContextHandle = {
      get db() {
        if (!handle) throw new Error('the database is not open yet');
        return handle.db;
      },
      get baseUrl() {
        return baseUrl;
      },
      get browser() {
        if (!browser) throw new Error('the browser is not started yet');
        return browser;
      },
      url: (pathname) => `${baseUrl}${pathname}`,
      newPage: (options) => newContextPage(options),
      async pageAs(user, options) {
        const page = await newContextPage(options);
        await logInByApi(page, baseUrl, user);
        return page;
      },
    };
    beforeAll(async () => {
      ({ handle } = await openMigratedDatabase('embedded'));
      ({ app, baseUrl } = await startDashboardServer(handle));
      browser = await launchChromium();
    });
    // A failed test leaves a picture of each page it opened, to see what the user would have seen.
    afterEach(async (context) => {
      if (context.task.result?.state === 'fail') {
        const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
        for (const [index, page] of pages.entries()) {
          if (!page.isClosed()) await screenshot(page, `failed-${name}-${index}`).catch(() => {});
        }
      }
      pages.length = 0;
    });
    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => {});
      await browser?.close();
      await app?.close();
      await handle?.close();
    });
    body(ctx);
  });
}
