/**
 * First load of /dashboard/sessions on the embedded demo database, measured in Chromium:
 * from navigation start to the sessions table's rows being visible (signed in by cookie, cold
 * browser cache each run), 5 runs, median. Also the initial JavaScript, gzipped: the JS files
 * loaded by that first load.
 *
 *   npm run bench:dashboard
 */
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connect';
import { migrate } from '../../src/migrate/runner';
import { seedDemo } from '../../src/seed/demo';
import { buildApp } from '../../src/server/app';
import { dashboardExtension } from '../../src/server/dashboard';
import { DASHBOARD_DIR, ensureDashboardBuilt } from '../../src/server/dashboard-build';
import { launchChromium } from '../../tests/support/browser';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  await ensureDashboardBuilt({ log: (line) => console.log(line) });
  const handle = await connect({ engine: 'embedded', dataDir: 'memory' });
  await migrate(handle.db);
  const seeded = await seedDemo(handle.db);
  if (!seeded.created) throw new Error('the demo seed did not run');
  const config = loadConfig({ EDUZEN_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', EDUZEN_LOG_LEVEL: 'warn' });
  const app = await buildApp({ database: handle, config, logger: false, extensions: [dashboardExtension()] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  const timings: number[] = [];
  let scripts = new Set<string>();
  try {
    for (let run = 0; run < RUNS; run++) {
      // A fresh context per run: empty cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
      const page = await context.newPage();
      const login = await page.request.post(`${baseUrl}/api/auth/login`, { data: { email: seeded.adminEmail, password: seeded.adminPassword } });
      if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
      const loaded = new Set<string>();
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.pathname.endsWith('.js')) loaded.add(url.pathname);
      });
      await page.goto(`${baseUrl}/dashboard/sessions`, { waitUntil: 'commit' });
      await page.locator('table tbody tr a').first().waitFor({ state: 'visible', timeout: 30_000 });
      const elapsed = await page.evaluate(() => performance.now());
      timings.push(elapsed);
      console.log(`run ${run + 1}: ${elapsed.toFixed(0)} ms (navigation → sessions rows visible)`);
      scripts = loaded;
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    await handle.close();
  }
  let raw = 0;
  let gzipped = 0;
  for (const script of scripts) {
    const content = await readFile(path.join(DASHBOARD_DIR, script));
    raw += content.length;
    gzipped += gzipSync(content, { level: 9 }).length;
  }
  const indexHtml = await readFile(path.join(DASHBOARD_DIR, 'index.html'), 'utf8');
  const entries = [...indexHtml.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  let entryGzipped = 0;
  for (const entry of entries) entryGzipped += gzipSync(await readFile(path.join(DASHBOARD_DIR, entry)), { level: 9 }).length;
  console.log('');
  console.log(`first load of /dashboard/sessions, median of ${RUNS}: ${median(timings).toFixed(0)} ms (runs: ${timings.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`JavaScript loaded by that first load: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
  console.log(`entry chunk of index.html: ${(entryGzipped / 1024).toFixed(1)} KB gzipped`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
