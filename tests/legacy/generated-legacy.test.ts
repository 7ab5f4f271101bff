/**
 * The legacy upgrade on databases generated from the legacy schema's own constraints
 * (tests/support/legacy/arbitrary-legacy.ts), on both engines: status → upgrade --yes → verify →
 * cleanup, with what issue 12's "Done shows" asks of each database.
 *
 * Every database is one test named by its seed; to run one again:
 *   EDUZEN_LEGACY_SEED=<seed> npx vitest run tests/legacy/generated-legacy.test.ts -t "seed <seed>"
 * (EDUZEN_LEGACY_SEED sets the first seed; the others follow it.)
 *
 * "real" databases have the schema real EDUZEN databases hold (REAL_LEGACY_DDL, Supabase Auth's
 * auth schema); "plain" ones the narrow LEGACY_DDL, with values the product model has always
 * taken: they prove the machinery end to end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import type { Blocker } from '../../src/migrate/legacy/preflight';
import { diffSchemas } from '../../src/migrate/legacy/schema-diff';
import { type SchemaShape, readSchema } from '../../src/migrate/legacy/schema-read';
import { readFreshSchema } from '../../src/migrate/legacy/scratch';
import { createTestApp } from '../support/api';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { type GeneratedLegacyDatabase, type LegacyMode, type Query, generateLegacyDatabase } from '../support/legacy/arbitrary-legacy';

const FIRST_SEED = Number(process.env.EDUZEN_LEGACY_SEED ?? 1_212);
// PGlite opens its data directory again for each CLI command: fewer and smaller databases there.
const RUNS: { mode: LegacyMode; engine: 'postgres' | 'embedded'; databases: number; size: number }[] = [
  { mode: 'real', engine: 'postgres', databases: 8, size: 40 },
  { mode: 'real', engine: 'embedded', databases: 2, size: 25 },
  { mode: 'plain', engine: 'postgres', databases: 2, size: 40 },
  { mode: 'plain', engine: 'embedded', databases: 1, size: 25 },
];
const TIMEOUT = 120_000;

/** Where the upgrade keeps each legacy table's rows, by their legacy id (decisions 010, 013; unplaced.ts; issue 12). */
const KEPT_IN: Record<string, string[]> = {
  organizations: ['select id::text from public.organizations'],
  users: ['select id::text from public.users', 'select id::text from public.portal_accounts'],
  students: ['select id::text from public.students'],
  programs: ['select id::text from public.formations'],
  program_sessions: ['select id::text from public.sessions', 'select id::text from public.unplaced_sessions'],
  enrollments: ['select id::text from public.enrollments'],
  // An earlier row of a learner's day is in the history of that day's mark, under its own id.
  attendance: ['select id::text from public.attendance', "select old_values ->> 'id' from public.change_log where table_name = 'attendance'"],
  grades: ['select id::text from public.grades'],
  session_documents: ['select id::text from public.session_documents'],
  'auth.users': ['select id::text from auth.users'],
};

/** A blocker only a correction by hand resolves: no remedy flag names it. */
function handFixBlockers(blockers: Blocker[]): string[] {
  return blockers.filter((blocker) => /by hand/.test(blocker.remedy) || (blocker.flag === undefined && !blocker.resolved))
    .map((blocker) => `${blocker.id}: ${blocker.title} [sample ${blocker.sample.slice(0, 2).join(', ')}]`);
}

/** The remedy flags status names that take no value of the operator's (what `db upgrade --yes` is given). */
function remedyFlags(blockers: Blocker[]): string[] {
  return [...new Set(blockers.map((blocker) => blocker.flag).filter((flag): flag is string => flag !== undefined && !/=[A-Z]+$/.test(flag)))];
}

async function missingLegacyRows(query: Query, generated: GeneratedLegacyDatabase): Promise<Record<string, string[]>> {
  const missing: Record<string, string[]> = {};
  for (const [table, ids] of Object.entries(generated.ids)) {
    const places = KEPT_IN[table];
    if (!places) throw new Error(`no known place for the legacy rows of ${table}`);
    const found = new Set<string>();
    for (const place of places) {
      const exists = await query(`select to_regclass('${place.replace(/^.* from (\S+).*$/, '$1')}') as r`);
      if (exists[0]!.r === null) continue;
      for (const row of await query(place)) found.add(String(Object.values(row)[0]));
    }
    const lost = ids.filter((id) => !found.has(id));
    if (lost.length > 0) missing[table] = lost.slice(0, 5).concat(lost.length > 5 ? [`… ${lost.length} in all`] : []);
  }
  return missing;
}

async function logInAsLegacyAdmins(handle: DatabaseHandle, generated: GeneratedLegacyDatabase) {
  const app = await createTestApp(handle);
  try {
    const admins = generated.logins.filter((login) => login.role === 'admin' || login.role === 'super_admin');
    expect(admins.length, 'the generator made a legacy admin to log in as').toBeGreaterThan(0);
    const answers = [];
    for (const admin of admins) {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: admin.password } });
      answers.push({ legacyRole: admin.role, status: login.statusCode, role: login.statusCode === 200 ? login.json().user.role : login.body });
    }
    return answers;
  } finally {
    await app.close();
  }
}

function reproduce(seed: number, mode: LegacyMode, engine: string): string {
  return `seed ${seed} (${mode}, ${engine}): EDUZEN_LEGACY_SEED=${seed} npx vitest run tests/legacy/generated-legacy.test.ts -t "seed ${seed}"`;
}

const freshSchemas = new Map<string, Promise<SchemaShape>>();
function freshSchema(databaseUrl: string | undefined): Promise<SchemaShape> {
  const key = databaseUrl ? 'server' : 'embedded';
  if (!freshSchemas.has(key)) freshSchemas.set(key, readFreshSchema(databaseUrl).then((fresh) => fresh.schema));
  return freshSchemas.get(key)!;
}

/** The database a generated legacy database lives in, as the CLI is told it and as a handle opens it. */
async function newDatabase(engine: 'postgres' | 'embedded') {
  if (engine === 'postgres') {
    const databaseUrl = await createServerDatabase();
    return { databaseUrl, cliArgs: ['--database-url', databaseUrl], open: () => connect({ engine, databaseUrl, poolSize: 4 }) };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-generated-legacy-'));
  return { databaseUrl: undefined, cliArgs: ['--data-dir', dataDir], open: () => connect({ engine, dataDir }), dataDir };
}

for (const { mode, engine, databases, size } of RUNS) {
  describe(`legacy databases generated from the ${mode === 'real' ? 'real legacy schema’s' : 'plain LEGACY_DDL’s'} constraints [${engine}]`, () => {
    const dataDirs: string[] = [];
    afterAll(() => {
      for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    for (let n = 0; n < databases; n++) {
      const seed = FIRST_SEED + n + (mode === 'plain' ? 500 : 0) + (engine === 'embedded' ? 100 : 0);
      it(`seed ${seed}: status lists no hand fix, upgrade --yes finishes, verify passes, every row is kept, admins log in, cleanup gives a fresh install’s schema`, async () => {
        const repro = reproduce(seed, mode, engine);
        console.info(`generated legacy database: ${repro}`);
        const database = await newDatabase(engine);
        if (database.dataDir) dataDirs.push(database.dataDir);
        const generated = await withHandle(database.open, (handle) => generateLegacyDatabase(queryOf(handle), { seed, size, mode }));

        // db status
        const status = await runCli(['db', 'status', ...database.cliArgs, '--json']);
        expect(status.code, status.stderr).toBe(0);
        const report = JSON.parse(status.stdout).legacy;
        expect(report.state).toBe('legacy');
        const blockers: Blocker[] = report.blockers;
        expect(handFixBlockers(blockers), `hand-fix blockers, ${repro}`).toEqual([]);

        // db upgrade --yes, with the remedy flags status names; db verify
        const upgrade = await runCli(['db', 'upgrade', ...database.cliArgs, '--yes', '--no-backup', '--batch-size', '50', ...remedyFlags(blockers)]);
        expect({ code: upgrade.code, errors: upgrade.stderr.split('\n').filter((line) => /error/i.test(line)) }, `${upgrade.stdout}\n${repro}`)
          .toEqual({ code: 0, errors: [] });
        const verify = await runCli(['db', 'verify', ...database.cliArgs, '--json']);
        expect(verify.stdout.startsWith('{') ? JSON.parse(verify.stdout).checks.filter((check: { ok: boolean }) => !check.ok) : verify.stderr, repro).toEqual([]);
        expect(verify.code).toBe(0);

        // every legacy row, by its legacy id; the legacy admins' old passwords
        await withHandle(database.open, async (handle) => {
          expect(await missingLegacyRows(queryOf(handle), generated), repro).toEqual({});
          const logins = await logInAsLegacyAdmins(handle, generated);
          expect(logins, repro).toEqual(logins.map((login) => ({ ...login, status: 200, role: 'admin' })));
        });

        // db cleanup, then the schema against a fresh install's
        const cleanup = await runCli(['db', 'cleanup', ...database.cliArgs, '--yes']);
        expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
        await withHandle(database.open, async (handle) => {
          const diff = diffSchemas(await readSchema(handle.db), await freshSchema(database.databaseUrl));
          expect(diff.differences, repro).toEqual([]);
          await assertNoLeftovers(queryOf(handle));
        });
      }, TIMEOUT);
    }
  });
}

async function withHandle<T>(open: () => Promise<DatabaseHandle>, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await open();
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

function queryOf(handle: DatabaseHandle): Query {
  return async (text) => (await sql.raw<Record<string, unknown>>(text).execute(handle.db)).rows;
}

/** The old script's copies and the legacy sessions table are gone: not extras a schema diff would only list. */
async function assertNoLeftovers(query: Query): Promise<void> {
  const tables = await query(`select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace
    and c.relkind = 'r' and c.relname in ('formations_temp', 'sessions_temp', 'program_sessions') order by 1`);
  expect(tables.map((row) => row.name)).toEqual([]);
}
