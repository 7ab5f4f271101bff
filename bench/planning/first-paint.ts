/**
 * First paint of /dashboard/planning on a week holding 500 slots, measured in Chromium.
 *
 * The database: the embedded demo (PGlite in memory, `seedDemo`) plus, around one week without
 * holidays two weeks or more ahead, many sessions of the demo's formations — their own trainers,
 * rooms and learners, each on a weekly pattern (full days, mornings, afternoons, evenings) —
 * until that week holds exactly 500 slots, demo slots included. Some sessions share a trainer,
 * a room or learners at the same hour, some slots have their own trainers or place, a few are
 * cancelled: the planning shows conflicts.
 *
 * Each run opens a fresh browser context (empty cache), signs in by API (cookie), loads
 * `/dashboard/planning?week=<Monday>` and reads, from navigation start: first paint and first
 * contentful paint (`performance.getEntriesByType('paint')`), the moment the 500 slot blocks are
 * all in the DOM (a MutationObserver installed before the page's scripts), the frame after
 * that (blocks painted), the largest contentful paint, and the `/api/slots` request (resource
 * timing). The server's `GET /api/slots` for the week is also timed in-process.
 *
 * PGlite runs no autovacuum, so the planner has no statistics on the rows just added (nor, on
 * the embedded engine, ever): `--stale-runs` first visits (default 1) are made in that state,
 * then the database is analysed and the `--runs` visits (default 7) follow.
 *
 *   npm run bench:planning [-- --runs 7 --stale-runs 1 --selector '[data-slot-id]']
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { chromium } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connect';
import type { Database } from '../../src/db/schema';
import { createStaffAccount } from '../../src/features/users/staff-account';
import { migrate } from '../../src/migrate/runner';
import { seedDemo } from '../../src/seed/demo';
import { buildApp } from '../../src/server/app';
import { dashboardExtension } from '../../src/server/dashboard';
import { DASHBOARD_DIR, ensureDashboardBuilt } from '../../src/server/dashboard-build';
import { nonWorkingDay } from '../../src/shared/holidays';
import { DEFAULT_DAY_HOURS, type DayPart, type PartOfDay, dayPart, generateSlots } from '../../src/shared/slots';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    selector: { type: 'string', default: '[data-slot-id]' },
    'stale-runs': { type: 'string', default: '1' },
  },
});
const RUNS = Number(options.runs);
const STALE_RUNS = Number(options['stale-runs']);
const BLOCK_SELECTOR = options.selector;
const WEEK_SLOTS = 500;
const COUNTRY = 'FR';
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TRAINER_COUNT = 100;
const ROOM_COUNT = 100;
const STUDENT_COUNT = 900;

const MILLISECONDS_PER_DAY = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MILLISECONDS_PER_DAY).toISOString().slice(0, 10);
}

/** The first Monday at least two weeks ahead whose Monday to Friday are all working days. */
function planningMonday(today: Date): string {
  const todayIso = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())).toISOString().slice(0, 10);
  let monday = addDays(todayIso, 14);
  while (new Date(`${monday}T00:00:00Z`).getUTCDay() !== 1) monday = addDays(monday, 1);
  while ([0, 1, 2, 3, 4].some((offset) => nonWorkingDay(COUNTRY, addDays(monday, offset)))) monday = addDays(monday, 7);
  return monday;
}

type WeeklyPattern = { weekdays: number[]; parts: PartOfDay[] };

// Full days, mornings, afternoons, evening courses, short weeks: about five slots in the week each.
const PATTERNS: WeeklyPattern[] = [
  { weekdays: [1, 2, 3, 4, 5], parts: ['morning', 'afternoon'] },
  { weekdays: [1, 2, 3, 4, 5], parts: ['morning'] },
  { weekdays: [1, 2, 3, 4], parts: ['afternoon'] },
  { weekdays: [1, 3], parts: ['evening'] },
  { weekdays: [2, 3, 4], parts: ['morning', 'afternoon'] },
  { weekdays: [1, 2], parts: ['morning', 'afternoon'] },
  { weekdays: [2, 4], parts: ['evening'] },
  { weekdays: [3, 4, 5], parts: ['afternoon'] },
];

function parts(pattern: WeeklyPattern): DayPart[] {
  return pattern.parts.map((part) => dayPart(DEFAULT_DAY_HOURS, part));
}

/** Adds sessions around the week of `monday` until it holds WEEK_SLOTS slots; returns what was added. */
async function seedPlanningWeek(db: Kysely<Database>, organizationId: string, monday: string) {
  const friday = addDays(monday, 4);
  const countWeek = async () => Number((await db.selectFrom('session_slots').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('date', '>=', monday).where('date', '<=', addDays(monday, 6))
    .executeTakeFirstOrThrow()).n);
  const demoSlots = await countWeek();

  const trainers = [];
  for (let index = 0; index < TRAINER_COUNT; index++) {
    trainers.push(await createStaffAccount(db, {
      organizationId, email: `formateur${index + 1}@lumiere-formation.fr`, fullName: `Formateur ${index + 1}`, role: 'teacher',
      password: `planning-bench-${index}`,
    }));
  }
  const rooms = Array.from({ length: ROOM_COUNT }, (_, index) => `Lyon — salle ${index + 1}`);
  const students = await db.insertInto('students')
    .values(Array.from({ length: STUDENT_COUNT }, (_, index) => ({
      organization_id: organizationId,
      student_number: `PLN-${String(index + 1).padStart(4, '0')}`,
      first_name: `Prénom${index + 1}`,
      last_name: `Nom${index + 1}`,
      email: `stagiaire.planning${index + 1}@exemple.fr`,
      status: 'active',
    })))
    .returning('id').execute();
  const formations = await db.selectFrom('formations').select(['id', 'name'])
    .where('organization_id', '=', organizationId).orderBy('name').execute();

  let remaining = WEEK_SLOTS - demoSlots;
  let sessionCount = 0;
  let ownTrainerSlots = 0;
  let ownPlaceSlots = 0;
  let cancelledSlots = 0;
  for (let index = 0; remaining > 0; index++) {
    let pattern = PATTERNS[index % PATTERNS.length]!;
    const start = addDays(monday, -7 * (index % 3));
    const end = addDays(friday, 7 * (index % 2));
    const inWeek = (candidate: WeeklyPattern) => generateSlots({
      from: monday, to: friday, weekdays: candidate.weekdays, parts: parts(candidate), skip_non_working_days: true,
    }, COUNTRY).slots.length;
    // The last session takes what is left: mornings of the first days.
    if (inWeek(pattern) > remaining) pattern = { weekdays: [1, 2, 3, 4, 5].slice(0, Math.min(5, remaining)), parts: ['morning'] };
    const formation = formations[index % formations.length]!;
    const teacher = trainers[index % trainers.length]!;
    const session = await db.insertInto('sessions').values({
      organization_id: organizationId,
      formation_id: formation.id,
      name: `${formation.name} — groupe ${index + 1}`,
      start_date: start,
      end_date: end,
      teacher_id: teacher.id,
      location: rooms[(index * 7) % rooms.length]!,
      capacity_max: 12,
      status: start <= monday ? 'ongoing' : 'planned',
    }).returning('id').executeTakeFirstOrThrow();
    sessionCount += 1;
    const generated = generateSlots({
      from: start, to: end, weekdays: pattern.weekdays, parts: parts(pattern), skip_non_working_days: true,
    }, COUNTRY).slots;
    const slots = await db.insertInto('session_slots')
      .values(generated.map(({ minutes: _minutes, ...slot }, position) => {
        const inTheWeek = slot.date >= monday && slot.date <= friday;
        const cancelled = inTheWeek && index % 17 === 5 && position % 4 === 0;
        const ownPlace = inTheWeek && index % 9 === 4 && slot.date === addDays(monday, 1);
        if (cancelled) cancelledSlots += 1;
        if (ownPlace) ownPlaceSlots += 1;
        return {
          ...slot,
          organization_id: organizationId,
          session_id: session.id,
          status: cancelled ? 'cancelled' : 'planned',
          cancellation_reason: cancelled ? 'Formateur indisponible' : null,
          location: ownPlace ? rooms[(index * 7 + 3) % rooms.length]! : null,
          module_title: `Module ${(position % 6) + 1}`,
        };
      }))
      .returning(['id', 'date']).execute();
    // Every sixth session's slots have their own trainers: a lead from elsewhere and the session's trainer as co-trainer.
    if (index % 6 === 3) {
      const lead = trainers[(index * 11 + 5) % trainers.length]!;
      const own = slots.filter((slot) => slot.date >= monday && slot.date <= friday);
      ownTrainerSlots += own.length;
      if (own.length > 0) {
        await db.insertInto('session_slot_trainers').values(own.flatMap((slot) => [
          { organization_id: organizationId, slot_id: slot.id, user_id: lead.id, role: 'lead' },
          { organization_id: organizationId, slot_id: slot.id, user_id: teacher.id, role: 'co_trainer' },
        ])).execute();
      }
    }
    // Eight learners each, in blocks; every tenth session shares two learners with the one before.
    const roster = Array.from({ length: 8 }, (_, position) => students[(index * 8 + position) % students.length]!.id);
    if (index % 10 === 9) roster.push(students[(index - 1) * 8 % students.length]!.id, students[((index - 1) * 8 + 1) % students.length]!.id);
    await db.insertInto('enrollments').values(roster.map((studentId, position) => ({
      organization_id: organizationId,
      session_id: session.id,
      student_id: studentId,
      status: 'confirmed',
      enrollment_date: addDays(start, -20 + position),
      payment_status: 'paid',
      funding_scheme: 'CPF',
    }))).execute();
    remaining -= inWeek(pattern);
  }
  const weekSlots = await countWeek();
  if (weekSlots !== WEEK_SLOTS) throw new Error(`the week holds ${weekSlots} slots, not ${WEEK_SLOTS}`);
  return { demoSlots, sessionCount, ownTrainerSlots, ownPlaceSlots, cancelledSlots };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

type PageTimings = {
  firstPaint: number;
  firstContentfulPaint: number;
  blocksInDom: number;
  blocksPainted: number;
  largestContentfulPaint: number;
  slotsRequestStart: number;
  slotsRequestEnd: number;
  blockCount: number;
};

declare global {
  interface Window {
    planningBench?: { blocksAt?: number; blocksPaintedAt?: number; largestPaint?: number };
  }
}

/** Installed before the page's scripts: notes when the expected number of blocks is in the DOM, and the largest paint. */
function observeBlocks({ selector, expected }: { selector: string; expected: number }): void {
  const state: NonNullable<Window['planningBench']> = {};
  window.planningBench = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) state.largestPaint = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  const observer = new MutationObserver(() => {
    if (state.blocksAt !== undefined || document.querySelectorAll(selector).length < expected) return;
    state.blocksAt = performance.now();
    observer.disconnect();
    // A frame's callbacks run before its paint; a task queued from one runs after it.
    requestAnimationFrame(() => setTimeout(() => { state.blocksPaintedAt = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
}

/**
 * A fresh build (`ensureDashboardBuilt` rebuilds when the sources changed), copied aside: a
 * rebuild by another process swaps dist/web, and a server started on the old files would then
 * serve files that no longer exist.
 */
async function copyFreshDashboard(): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const build = await ensureDashboardBuilt({ log: (line) => console.log(line) });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-bench-dashboard-'));
    try {
      fs.cpSync(DASHBOARD_DIR, root, { recursive: true });
      if (fs.readFileSync(path.join(root, '.build-hash'), 'utf8').trim() === build.hash) {
        console.log(`dashboard build: ${build.built ? `built now (${(build.milliseconds / 1000).toFixed(1)} s)` : 'fresh'}, hash ${build.hash.slice(0, 12)}`);
        return root;
      }
    } catch {
      // Swapped while being copied: try again.
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
  throw new Error('the dashboard build kept changing while being copied');
}

type Browser = Awaited<ReturnType<typeof chromium.launch>>;

/** One first visit: a fresh context (empty cache), signed in by API, the planning of the week loaded. */
async function loadPlanning(browser: Browser, baseUrl: string, credentials: { email: string; password: string }, monday: string, timeout: number): Promise<PageTimings> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  try {
    await context.addInitScript(observeBlocks, { selector: BLOCK_SELECTOR, expected: WEEK_SLOTS });
    const page = await context.newPage();
    const pending = new Set<string>();
    const errors: string[] = [];
    page.on('request', (request) => pending.add(request.url()));
    page.on('requestfinished', (request) => pending.delete(request.url()));
    page.on('requestfailed', (request) => errors.push(`${request.url()} failed`));
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.request.post(`${baseUrl}/api/auth/login`, { data: credentials });
    if (!response.ok()) throw new Error(`login failed: ${response.status()}`);
    await page.goto(`${baseUrl}/dashboard/planning?week=${monday}`, { waitUntil: 'commit' });
    try {
      await page.waitForFunction(() => window.planningBench?.blocksPaintedAt !== undefined, undefined, { timeout });
    } catch (error) {
      const seen = await page.evaluate((selector) => ({
        blocks: document.querySelectorAll(selector).length,
        requests: performance.getEntriesByType('resource').map((entry) => `${new URL(entry.name).pathname} ${entry.duration.toFixed(0)} ms`),
      }), BLOCK_SELECTOR);
      throw new Error(`${seen.blocks} of ${WEEK_SLOTS} blocks after ${timeout} ms; finished: ${seen.requests.join(', ')}; `
        + `pending: ${[...pending].join(', ') || 'none'}; errors: ${errors.join('; ') || 'none'}`, { cause: error });
    }
    return await page.evaluate((selector) => {
      const paints = performance.getEntriesByType('paint');
      const slotsRequest = performance.getEntriesByType('resource')
        .find((entry) => new URL(entry.name).pathname === '/api/slots') as PerformanceResourceTiming | undefined;
      return {
        firstPaint: paints.find((entry) => entry.name === 'first-paint')?.startTime ?? Number.NaN,
        firstContentfulPaint: paints.find((entry) => entry.name === 'first-contentful-paint')?.startTime ?? Number.NaN,
        blocksInDom: window.planningBench!.blocksAt!,
        blocksPainted: window.planningBench!.blocksPaintedAt!,
        largestContentfulPaint: window.planningBench!.largestPaint ?? Number.NaN,
        slotsRequestStart: slotsRequest?.startTime ?? Number.NaN,
        slotsRequestEnd: slotsRequest?.responseEnd ?? Number.NaN,
        blockCount: document.querySelectorAll(selector).length,
      };
    }, BLOCK_SELECTOR);
  } finally {
    await context.close();
  }
}

function describeRun(label: string, timings: PageTimings): string {
  return `${label}: first paint ${timings.firstPaint.toFixed(0)} ms, FCP ${timings.firstContentfulPaint.toFixed(0)} ms, `
    + `/api/slots ${timings.slotsRequestStart.toFixed(0)}→${timings.slotsRequestEnd.toFixed(0)} ms, `
    + `${timings.blockCount} blocks in the DOM ${timings.blocksInDom.toFixed(0)} ms, painted ${timings.blocksPainted.toFixed(0)} ms, `
    + `LCP ${timings.largestContentfulPaint.toFixed(0)} ms`;
}

const MEASURES: Array<[string, (timings: PageTimings) => number]> = [
  ['first paint', (timings) => timings.firstPaint],
  ['first contentful paint', (timings) => timings.firstContentfulPaint],
  ['`/api/slots` request sent', (timings) => timings.slotsRequestStart],
  ['`/api/slots` response received', (timings) => timings.slotsRequestEnd],
  [`${WEEK_SLOTS} slot blocks in the DOM`, (timings) => timings.blocksInDom],
  [`${WEEK_SLOTS} slot blocks painted (the next frame)`, (timings) => timings.blocksPainted],
  ['largest contentful paint', (timings) => timings.largestContentfulPaint],
];

/** Median, p90, min, max and the number of runs; a run without the entry (no LCP reported) is left out. */
function summary(values: number[], digits = 0): string {
  const samples = values.filter((value) => !Number.isNaN(value));
  if (samples.length === 0) return '– | – | – | – | 0';
  const cells = [quantile(samples, 0.5), quantile(samples, 0.9), Math.min(...samples), Math.max(...samples)].map((value) => value.toFixed(digits));
  return `${cells.join(' | ')} | ${samples.length}`;
}

function loadAverage(): string {
  return `load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} cores`;
}

async function main(): Promise<void> {
  console.log(`start: ${loadAverage()}`);
  const dashboardRoot = await copyFreshDashboard();
  const handle = await connect({ engine: 'embedded', dataDir: 'memory' });
  await migrate(handle.db);
  const seeded = await seedDemo(handle.db);
  if (!seeded.created) throw new Error('the demo seed did not run');
  const monday = planningMonday(new Date());
  const started = performance.now();
  const added = await seedPlanningWeek(handle.db, seeded.organizationId, monday);
  console.log(`week of ${monday}: ${WEEK_SLOTS} slots (${added.demoSlots} from the demo, the rest from ${added.sessionCount} sessions added: `
    + `${added.ownTrainerSlots} with their own trainers, ${added.ownPlaceSlots} with their own place, ${added.cancelledSlots} cancelled), `
    + `${TRAINER_COUNT} trainers, ${ROOM_COUNT} rooms, ${STUDENT_COUNT} learners added in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const config = loadConfig({ EDUZEN_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', EDUZEN_LOG_LEVEL: 'warn', EDUZEN_LOGIN_MAX_ATTEMPTS: '1000' });
  const app = await buildApp({ database: handle, config, logger: false, extensions: [dashboardExtension({ root: dashboardRoot })] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const credentials = { email: seeded.adminEmail, password: seeded.adminPassword };
  const sunday = addDays(monday, 6);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const authorization = `Bearer ${login.json().access_token as string}`;
  const getWeek = async () => {
    const before = performance.now();
    const response = await app.inject({ method: 'GET', url: `/api/slots?from=${monday}&to=${sunday}`, headers: { authorization } });
    const milliseconds = performance.now() - before;
    if (response.statusCode !== 200) throw new Error(`GET /api/slots: ${response.statusCode} ${response.body.slice(0, 300)}`);
    const planning = response.json() as { total: number; conflict_count: number };
    if (planning.total !== WEEK_SLOTS) throw new Error(`GET /api/slots answered ${planning.total} slots`);
    return { milliseconds, planning, bytes: response.rawPayload.length };
  };

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const stale: PageTimings[] = [];
  const runs: PageTimings[] = [];
  const apiTimings: number[] = [];
  let analyzeMilliseconds = 0;
  try {
    // First as the embedded engine leaves the database: PGlite runs no autovacuum, so nothing
    // has gathered the planner's statistics since the rows went in.
    for (let run = 0; run < STALE_RUNS; run++) {
      stale.push(await loadPlanning(browser, baseUrl, credentials, monday, 600_000));
      console.log(describeRun(`no statistics, run ${run + 1}`, stale.at(-1)!));
    }
    const analyzeStarted = performance.now();
    await sql`analyze`.execute(handle.db);
    analyzeMilliseconds = performance.now() - analyzeStarted;
    console.log(`analyze: ${analyzeMilliseconds.toFixed(0)} ms`);

    // The server's part: GET /api/slots for the week, in-process.
    let last: Awaited<ReturnType<typeof getWeek>> | undefined;
    for (let run = -3; run < 15; run++) {
      last = await getWeek();
      if (run >= 0) apiTimings.push(last.milliseconds);
    }
    console.log(`GET /api/slots?from=${monday}&to=${sunday}: ${last!.planning.total} slots, ${last!.planning.conflict_count} in conflict, `
      + `${(last!.bytes / 1024).toFixed(0)} KB; in-process median ${quantile(apiTimings, 0.5).toFixed(1)} ms`);

    for (let run = 0; run < RUNS; run++) {
      runs.push(await loadPlanning(browser, baseUrl, credentials, monday, 30_000));
      console.log(describeRun(`run ${run + 1}`, runs.at(-1)!));
    }
  } finally {
    await browser.close();
    await app.close();
    await handle.close();
    fs.rmSync(dashboardRoot, { recursive: true, force: true });
  }

  console.log(`end: ${loadAverage()}`);
  console.log('');
  console.log(`| from navigation start (ms) | median | p90 | min | max | runs |${stale.length > 0 ? ' no statistics (before ANALYZE) |' : ''}`);
  console.log(`|---|---:|---:|---:|---:|---:|${stale.length > 0 ? '---:|' : ''}`);
  for (const [name, pick] of MEASURES) {
    const staleCell = stale.length > 0 ? ` ${stale.map(pick).map((value) => value.toFixed(0)).join(', ')} |` : '';
    console.log(`| ${name} | ${summary(runs.map(pick))} |${staleCell}`);
  }
  console.log(`| server: GET /api/slots for the week, in-process | ${summary(apiTimings, 1)} |${stale.length > 0 ? ' |' : ''}`);
  console.log(`| ANALYZE of the whole database | ${analyzeMilliseconds.toFixed(0)} | | | | 1 |${stale.length > 0 ? ' |' : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
