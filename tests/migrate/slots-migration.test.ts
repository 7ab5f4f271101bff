/**
 * The upgrade to session slots (20251213000000_session_slots.sql) from the release before it
 * (ba1b7a3), on both engines, through the ordinary runner: a database is built as that release
 * left it (its migrations, then its data), migrated, and every half-day and every mark of the
 * previous schedule is looked for again as a slot and a mark on it.
 *
 * Two data sets: the previous release's demo (a fixture made by
 * scripts/generate-demo-fixture.ts, since that seed cannot run on today's code), and a large
 * adversarial schedule generated here: sessions of every shape of hours, across weekends and
 * months, with marks on half-days the sessions did not have and marks whose session is gone,
 * on a server whose time zone skips midnight when clocks go forward.
 *
 * The previous release's half-day rules are rewritten below from ba1b7a3's
 * src/shared/session-days.ts rather than imported: today's code no longer has them, and the
 * test must not judge the migration with the code it migrates to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, type Engine, connect } from '../../src/db/connect';
import type { Database } from '../../src/db/schema';
import { defaultMigrationsDir, migrate, migrationStatus, readMigrationFiles } from '../../src/migrate/runner';
import { splitStatements } from '../../src/migrate/split-statements';
import { ENGINES, createServerDatabase } from '../support/engines';

const SLOTS_VERSION = '20251213000000';
const DEMO_FIXTURE = new URL('./fixtures/demo-ba1b7a3.sql.gz', import.meta.url);
const TIME_COLUMNS = ['start_time', 'am_end_time', 'pm_start_time', 'end_time'];
/** Columns the slots migration drops; every other column of every table must come through. */
const DROPPED_COLUMNS: Record<string, string[]> = { 'public.sessions': TIME_COLUMNS, 'public.attendance': ['slot'] };
/** Chile moves its clocks from 00:00 to 01:00 (2025-09-07, 2026-09-06): a local midnight is missing. */
const MIDNIGHT_SKIPPING_TIME_ZONE = 'America/Santiago';

type Db = Kysely<Database>;

// The previous release's half-days (ba1b7a3 src/shared/session-days.ts) --------------------------

type HalfDaySlot = 'am' | 'pm';
const PART_OF_DAY: Record<HalfDaySlot, string> = { am: 'morning', pm: 'afternoon' };
/** The hours a mark-only slot gets when its session has none that day (the former defaults). */
const DEFAULT_HOURS: Record<HalfDaySlot, [string, string]> = { am: ['09:00', '12:30'], pm: ['13:30', '17:00'] };

type PreviousSchedule = {
  start_date: string;
  end_date: string;
  start_time: string;
  am_end_time: string;
  pm_start_time: string;
  end_time: string;
};

type PreviousHalfDay = { date: string; slot: HalfDaySlot; start_time: string; end_time: string; minutes: number };

/** Minutes since midnight of '09:00' or '09:00:00' (seconds do not count). */
function minutesOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(time);
  if (!match) throw new RangeError(`not a time of day: ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function formatTimeOfDay(time: string): string {
  const minutes = minutesOfDay(time);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** The session's two halves of a day, those of zero minutes included. */
function halvesOf(session: PreviousSchedule): Record<HalfDaySlot, Omit<PreviousHalfDay, 'date'>> {
  const half = (slot: HalfDaySlot, start: string, end: string) => ({
    slot,
    start_time: formatTimeOfDay(start),
    end_time: formatTimeOfDay(end),
    minutes: minutesOfDay(end) - minutesOfDay(start),
  });
  return { am: half('am', session.start_time, session.am_end_time), pm: half('pm', session.pm_start_time, session.end_time) };
}

/** Every (date, am|pm) of the session: weekdays from start to end date, halves of some minutes. */
function previousHalfDays(session: PreviousSchedule): PreviousHalfDay[] {
  const halves = Object.values(halvesOf(session)).filter((half) => half.minutes > 0);
  const days: PreviousHalfDay[] = [];
  const last = Date.parse(`${session.end_date}T00:00:00Z`);
  for (let day = Date.parse(`${session.start_date}T00:00:00Z`); day <= last; day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (isoWeekday(date) < 6) days.push(...halves.map((half) => ({ date, ...half })));
  }
  return days;
}

/** The hours the migration gives a mark's own slot: the half-day's, else the whole day's, else the defaults. */
function markSlotHours(session: PreviousSchedule, slot: HalfDaySlot): [string, string] {
  const half = halvesOf(session)[slot];
  if (half.minutes > 0) return [half.start_time, half.end_time];
  if (minutesOfDay(session.end_time) > minutesOfDay(session.start_time)) {
    return [formatTimeOfDay(session.start_time), formatTimeOfDay(session.end_time)];
  }
  return DEFAULT_HOURS[slot];
}

function attendedMinutes(minutes: number, mark: { status: string; late_minutes: number | null }): number {
  if (mark.status === 'present') return minutes;
  if (mark.status === 'late') return Math.max(0, minutes - (mark.late_minutes ?? 0));
  return 0;
}

// The database as the previous release left it -------------------------------------------------

/**
 * Copies of supabase/migrations: the previous release's files, and those up to the slots
 * migration included. Later files are applied afterwards from the real directory; they may
 * change what the slots migration made, so the checks read the database in between.
 */
const migrationsDirs = { previous: '', slots: '' };

function copyMigrations(stage: string, included: (version: string) => boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eduzen-migrations-${stage}-`));
  for (const file of readMigrationFiles()) {
    if (included(file.version)) fs.writeFileSync(path.join(dir, file.fileName), file.sql);
  }
  return dir;
}

beforeAll(() => {
  migrationsDirs.previous = copyMigrations('previous', (version) => version < SLOTS_VERSION);
  migrationsDirs.slots = copyMigrations('slots', (version) => version <= SLOTS_VERSION);
});

afterAll(() => {
  for (const dir of Object.values(migrationsDirs)) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** An empty database; `timeZone` becomes the database's own setting, as on a configured server. */
async function openEmptyDatabase(engine: Engine, timeZone?: string): Promise<DatabaseHandle> {
  if (engine === 'embedded') {
    const handle = await connect({ engine, dataDir: 'memory' });
    if (timeZone) await sql.raw(`set timezone to '${timeZone}'`).execute(handle.db);
    return handle;
  }
  const databaseUrl = await createServerDatabase();
  if (timeZone) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`alter database "${new URL(databaseUrl).pathname.slice(1)}" set timezone to '${timeZone}'`);
    } finally {
      await client.end();
    }
  }
  return connect({ engine, databaseUrl, poolSize: 4 });
}

/** Loads rows as they were stored: no trigger stamps updated_at or logs a change meanwhile. */
async function loadDemoFixture(db: Db): Promise<void> {
  const script = zlib.gunzipSync(fs.readFileSync(DEMO_FIXTURE)).toString('utf8');
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const statement of splitStatements(script)) await sql.raw(statement.text).execute(trx);
  });
}

/**
 * ≥ 2,000 sessions in two organisations and ≥ 50,000 marks. Session `n` has the hours of shape
 * n % 10 (SESSION_SHAPES), starts on any day of the week and runs 0 to 15 days, or 80 days every
 * 50th session, or two years with 24 learners for session 1000 (a work-study course); sessions
 * n % 4 = 3 have no mark yet. Marks cover every half-day of the other sessions, then half-days
 * the sessions did not have (Saturdays, Sundays, dates before and after the session, half-days
 * of zero minutes), and there are marks whose session is gone.
 */
const SESSION_SHAPES: ReadonlyArray<{ shape: string; times: [string, string, string, string] }> = [
  { shape: 'full day', times: ['09:00', '12:30', '13:30', '17:00'] },
  { shape: 'morning only (pm_start_time = end_time)', times: ['08:30', '12:00', '12:00', '12:00'] },
  { shape: 'afternoon only (start_time = am_end_time)', times: ['13:00', '13:00', '14:00', '17:30'] },
  { shape: 'odd hours', times: ['07:45', '11:10', '14:05', '19:55'] },
  { shape: 'all four times equal', times: ['10:00', '10:00', '10:00', '10:00'] },
  { shape: 'no lunch break (am_end_time = pm_start_time)', times: ['09:00', '12:00', '12:00', '18:00'] },
  { shape: 'both halves empty, the day not', times: ['09:00', '09:00', '17:00', '17:00'] },
  { shape: 'seconds: a morning of 30 seconds, zero minutes', times: ['09:00:00', '09:00:30', '13:30:00', '17:00:15'] },
  { shape: 'ends at 24:00', times: ['08:00', '12:00', '13:00', '24:00'] },
  { shape: 'evening', times: ['18:00', '20:00', '20:30', '22:45'] },
];
const SESSION_COUNT = 2400;

async function generateAdversarialData(db: Db): Promise<void> {
  const shapeTimes = (index: number) =>
    sql.raw(`(array[${SESSION_SHAPES.map((shape) => `'${shape.times[index]}'`).join(', ')}])[n % ${SESSION_SHAPES.length} + 1]::time`);
  const minuteOf = (time: string) => sql.raw(`(extract(hour from ${time}) * 60 + extract(minute from ${time}))`);
  // A mark's values, varying with the number v: status, late minutes, notes, who recorded it
  // (the session's trainer, nobody, or an account gone since), when.
  const markValues = (v: string, trainer = 's.teacher_id') =>
    sql.raw(`
      case when ${v} % 40 < 28 then 'present' when ${v} % 40 < 33 then 'late' when ${v} % 40 < 37 then 'absent' else 'excused' end,
      case ${v} % 40 when 29 then 0 when 30 then 7 when 31 then 600 when 32 then 45 end,
      case when ${v} % 11 = 0 then 'Arrivé en retard — train d''Annecy' when ${v} % 13 = 0 then E'ligne 1\\nligne 2 « guillemets »'
           when ${v} % 17 = 0 then '' end,
      case ${v} % 3 when 0 then ${trainer} when 1 then null else md5('departed-user')::uuid end,
      timestamptz '2025-01-01 07:00:00.000001+00' + ${v} * interval '1.000317 second',
      timestamptz '2025-01-01 07:00:00.000001+00' + ${v} * interval '1.000317 second'
        + case when ${v} % 5 = 0 then interval '3 days 4 hours 0.5 second' else interval '0' end`);
  const statements = [
    sql`create temporary table adversarial_organization on commit drop as
      select o as number, md5('adversarial-organization-' || o)::uuid as id from generate_series(0, 1) as o`,
    sql`insert into public.organizations (id, code, name, created_at, updated_at)
      select id, 'ADV-' || number, 'Organisme ' || number, timestamptz '2024-06-01 10:00:00.123456+00', timestamptz '2024-06-02 10:00:00+00'
      from adversarial_organization`,
    sql`insert into auth.users (id, email, created_at, updated_at)
      select md5('adversarial-user-' || o.number || '-' || u)::uuid, 'formateur' || u || '@organisme' || o.number || '.example',
        timestamptz '2024-06-01 10:00:00+00', timestamptz '2024-06-01 10:00:00+00'
      from adversarial_organization o cross join generate_series(0, 2) as u`,
    sql`insert into public.users (id, organization_id, email, full_name, role, created_at, updated_at)
      select md5('adversarial-user-' || o.number || '-' || u)::uuid, o.id, 'formateur' || u || '@organisme' || o.number || '.example',
        'Formateur ' || u, case u when 0 then 'admin' else 'teacher' end, timestamptz '2024-06-01 10:00:00+00', timestamptz '2024-06-01 10:00:00+00'
      from adversarial_organization o cross join generate_series(0, 2) as u`,
    sql`insert into public.formations (id, organization_id, code, name)
      select md5('adversarial-formation-' || number)::uuid, id, 'F-ADV', 'Formation adverse' from adversarial_organization`,
    sql`insert into public.students (id, organization_id, student_number, first_name, last_name)
      select md5('adversarial-student-' || o.number || '-' || k)::uuid, o.id, 'ADV-' || k, 'Prénom ' || k, 'Nom ' || k
      from adversarial_organization o cross join generate_series(0, 199) as k`,
    sql`create temporary table adversarial_session on commit drop as
      select n, n % 2 as organization_number, md5('adversarial-session-' || n)::uuid as id,
        md5('adversarial-organization-' || n % 2)::uuid as organization_id,
        date '2025-01-01' + (n * 37) % 700 as start_date,
        date '2025-01-01' + (n * 37) % 700
          + case when n = 1000 then 730 when n % 50 = 0 then 80 when n % 9 = 0 then 0 else n % 16 end as end_date,
        case when n = 1000 then 24 else 1 + n % 5 end as learners,
        ${shapeTimes(0)} as start_time, ${shapeTimes(1)} as am_end_time, ${shapeTimes(2)} as pm_start_time, ${shapeTimes(3)} as end_time,
        case when n % 5 = 0 then null else md5('adversarial-user-' || n % 2 || '-' || 1 + n % 2)::uuid end as teacher_id
      from generate_series(1, ${SESSION_COUNT}) as n`,
    sql`insert into public.sessions (id, organization_id, formation_id, name, start_date, end_date, start_time, am_end_time,
        pm_start_time, end_time, teacher_id, location, capacity_max, status, created_at, updated_at)
      select id, organization_id, md5('adversarial-formation-' || organization_number)::uuid, 'Session ' || n, start_date, end_date,
        start_time, am_end_time, pm_start_time, end_time, teacher_id,
        case n % 3 when 0 then null when 1 then 'Salle « Rhône »' else 'L''Atelier, 2e étage' end,
        case when n % 4 = 0 then null else 4 + n % 20 end,
        (array['planned', 'ongoing', 'completed', 'cancelled'])[n % 4 + 1],
        timestamptz '2024-09-01 08:00:00.5+00' + n * interval '17 minutes 0.000123 second',
        timestamptz '2024-09-01 08:00:00.5+00' + n * interval '17 minutes 0.000123 second' + (n % 3) * interval '1 day'
      from adversarial_session`,
    sql`alter table public.attendance disable trigger attendance_record_change`,
    // Every half-day of the marked sessions, as the previous release's rules saw them.
    sql`insert into public.attendance (organization_id, session_id, student_id, date, slot, status, late_minutes, notes, recorded_by,
        created_at, updated_at)
      select s.organization_id, s.id, md5('adversarial-student-' || s.organization_number || '-' || (s.n * 7 + k * 13) % 200)::uuid,
        s.start_date + day, half.slot, ${markValues('(s.n * 31 + day * 7 + k * 3 + (half.slot = \'pm\')::int)')}
      from adversarial_session s
      cross join lateral generate_series(0, s.end_date - s.start_date) as day
      cross join lateral (values ('am', s.start_time, s.am_end_time), ('pm', s.pm_start_time, s.end_time)) as half (slot, start_time, end_time)
      cross join lateral generate_series(0, s.learners - 1) as k
      where s.n % 4 <> 3 and extract(isodow from s.start_date + day) < 6
        and ${minuteOf('half.end_time')} > ${minuteOf('half.start_time')}`,
    // Marks on half-days the session did not have: a Saturday (both halves) and a Sunday
    // afternoon inside its dates, the day before it, three days after it, 400 days before it.
    sql`insert into public.attendance (organization_id, session_id, student_id, date, slot, status, late_minutes, notes, recorded_by,
        created_at, updated_at)
      select s.organization_id, s.id, md5('adversarial-student-' || s.organization_number || '-' || (s.n * 7) % 200)::uuid,
        mark.date, mark.slot, ${markValues('(s.n * 13 + mark.number)')}
      from adversarial_session s
      cross join lateral (select s.start_date + (6 - extract(isodow from s.start_date)::int + 7) % 7 as saturday) as weekend
      cross join lateral (values
        (1, weekend.saturday, 'am', s.n % 3 = 0 and weekend.saturday <= s.end_date),
        (2, weekend.saturday, 'pm', s.n % 3 = 0 and weekend.saturday <= s.end_date),
        (3, weekend.saturday + 1, 'pm', s.n % 3 = 0 and weekend.saturday + 1 <= s.end_date),
        (4, s.start_date - 1, 'am', s.n % 7 = 0),
        (5, s.end_date + 3, 'pm', s.n % 7 = 0),
        (6, s.start_date - 400, 'am', s.n % 49 = 0)
      ) as mark (number, date, slot, wanted)
      where mark.wanted
      on conflict on constraint attendance_session_student_date_slot_key do nothing`,
    // Marks on the zero-minute halves of the first weekdays of each session.
    sql`insert into public.attendance (organization_id, session_id, student_id, date, slot, status, late_minutes, notes, recorded_by,
        created_at, updated_at)
      select s.organization_id, s.id, md5('adversarial-student-' || s.organization_number || '-' || (s.n * 7 + 13) % 200)::uuid,
        s.start_date + day, half.slot, ${markValues('(s.n * 17 + day * 2 + (half.slot = \'pm\')::int)')}
      from adversarial_session s
      cross join lateral generate_series(0, least(s.end_date - s.start_date, 3)) as day
      cross join lateral (values ('am', s.start_time, s.am_end_time), ('pm', s.pm_start_time, s.end_time)) as half (slot, start_time, end_time)
      where extract(isodow from s.start_date + day) < 6
        and ${minuteOf('half.end_time')} = ${minuteOf('half.start_time')}
      on conflict on constraint attendance_session_student_date_slot_key do nothing`,
    // Marks whose session is gone, some of them twice over (nothing made them unique).
    sql`insert into public.attendance (organization_id, session_id, student_id, date, slot, status, late_minutes, notes, recorded_by,
        created_at, updated_at)
      select md5('adversarial-organization-' || i % 2)::uuid, null, md5('adversarial-student-' || i % 2 || '-' || i % 200)::uuid,
        date '2019-03-02' + (i % 650) * 3, case when i % 4 < 2 then 'am' else 'pm' end, ${markValues('i', 'null::uuid')}
      from generate_series(1, 750) as i`,
    sql`alter table public.attendance enable trigger attendance_record_change`,
    // Ordinary changes afterwards, through the triggers: updates, deletions, new marks, grades.
    sql`update public.attendance set status = 'excused', late_minutes = null, notes = 'Justificatif reçu'
      where id in (select id from public.attendance where session_id is not null and status = 'absent'
        order by session_id, student_id, date, slot limit 300)`,
    sql`delete from public.attendance where id in (select id from public.attendance where session_id is not null
        order by session_id desc, student_id, date, slot limit 50)`,
    sql`insert into public.attendance (organization_id, session_id, student_id, date, slot, status)
      select s.organization_id, s.id, md5('adversarial-student-' || s.organization_number || '-' || (s.n * 7 + 6 * 13) % 200)::uuid,
        s.start_date - 2, 'am', 'present'
      from adversarial_session s where s.n % 4 = 3 and s.n <= 160`,
    sql`insert into public.grades (organization_id, session_id, student_id, subject, score)
      select s.organization_id, s.id, md5('adversarial-student-' || s.organization_number || '-' || (s.n * 7) % 200)::uuid, 'Quiz', 12.5
      from adversarial_session s where s.n <= 40`,
  ];
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await statement.execute(trx);
  });
}

// What the database holds, before and after --------------------------------------------------

type Mark = {
  id: string;
  organization_id: string;
  session_id: string | null;
  student_id: string;
  date: string;
  status: string;
  late_minutes: number | null;
  notes: string | null;
  recorded_by: string | null;
  created_at: string;
  updated_at: string;
};
type PreviousMark = Mark & { slot: HalfDaySlot };
type CurrentMark = Mark & { slot_id: string | null };
type PreviousSession = PreviousSchedule & { id: string; organization_id: string; kept_columns: string };
type Slot = { id: string; organization_id: string; session_id: string; date: string; start_time: string; end_time: string; part_of_day: string };
type TableContent = { columns: string[]; rows: number; fingerprint: string };

type Before = {
  marks: PreviousMark[];
  sessions: PreviousSession[];
  halfDays: Map<string, PreviousHalfDay & { session: PreviousSession }>;
  changeLogRows: number;
  tables: Map<string, TableContent>;
};
type After = {
  marks: Map<string, CurrentMark>;
  sessions: Map<string, { kept_columns: string }>;
  /** session_former_hours, by session: organisation and the four times. */
  formerHours: Map<string, string>;
  slots: Slot[];
  changeLogRows: number;
  tables: Map<string, TableContent>;
};

const markColumns = sql.raw(`id, organization_id, session_id, student_id, date, status, late_minutes, notes, recorded_by,
  created_at::text as created_at, updated_at::text as updated_at`);

function hoursOf(session: Omit<PreviousSchedule, 'start_date' | 'end_date'> & { organization_id: string }): string {
  return [session.organization_id, session.start_time, session.am_end_time, session.pm_start_time, session.end_time].join(' ');
}

function halfDayKey(sessionId: string, date: string, part: string): string {
  return `${sessionId} ${date} ${part}`;
}

async function countChangeLog(db: Db): Promise<number> {
  const result = await sql<{ count: string }>`select count(*) as count from public.change_log`.execute(db);
  return Number(result.rows[0]!.count);
}

/** Columns, row count and a digest of every table of public and auth.users, less some columns. */
async function readTables(db: Db, leftOut: (table: string, columns: string[]) => string[]): Promise<Map<string, TableContent>> {
  const columns = await sql<{ table_name: string; columns: string[] }>`
    select table_schema || '.' || table_name as table_name, array_agg(column_name::text order by ordinal_position) as columns
    from information_schema.columns
    where (table_schema = 'public' or (table_schema = 'auth' and table_name = 'users'))
      and (table_schema, table_name) in (select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE')
    group by 1 order by 1`.execute(db);
  const tables = new Map<string, TableContent>();
  for (const table of columns.rows) {
    const content = await sql<{ rows: string; fingerprint: string }>`
      select count(*) as rows, md5(coalesce(string_agg(row, E'\n' order by row), '')) as fingerprint
      from (select (to_jsonb(t) - ${leftOut(table.table_name, table.columns)}::text[])::text as row from ${sql.table(table.table_name)} t) as rows`
      .execute(db);
    const { rows, fingerprint } = content.rows[0]!;
    tables.set(table.table_name, { columns: table.columns, rows: Number(rows), fingerprint });
  }
  return tables;
}

async function readBefore(db: Db): Promise<Before> {
  const marks = await sql<PreviousMark>`select ${markColumns}, slot from public.attendance`.execute(db);
  const sessions = await sql<PreviousSession>`
    select id, organization_id, start_date, end_date, start_time::text as start_time, am_end_time::text as am_end_time,
      pm_start_time::text as pm_start_time, end_time::text as end_time,
      (to_jsonb(s) - ${TIME_COLUMNS}::text[])::text as kept_columns
    from public.sessions s`.execute(db);
  const halfDays: Before['halfDays'] = new Map();
  for (const session of sessions.rows) {
    for (const halfDay of previousHalfDays(session)) halfDays.set(halfDayKey(session.id, halfDay.date, halfDay.slot), { ...halfDay, session });
  }
  return {
    marks: marks.rows,
    sessions: sessions.rows,
    halfDays,
    changeLogRows: await countChangeLog(db),
    tables: await readTables(db, (table) => DROPPED_COLUMNS[table] ?? []),
  };
}

async function readAfter(db: Db, before: Before): Promise<After> {
  const marks = await sql<CurrentMark>`select ${markColumns}, slot_id from public.attendance`.execute(db);
  const sessions = await sql<{ id: string; kept_columns: string }>`select id, to_jsonb(s)::text as kept_columns from public.sessions s`.execute(db);
  const slots = await sql<Slot>`
    select id, organization_id, session_id, date, start_time::text as start_time, end_time::text as end_time, part_of_day
    from public.session_slots`.execute(db);
  const formerHours = await sql<PreviousSchedule & { organization_id: string; session_id: string }>`
    select organization_id, session_id, start_time::text as start_time, am_end_time::text as am_end_time,
      pm_start_time::text as pm_start_time, end_time::text as end_time
    from public.session_former_hours`.execute(db);
  return {
    marks: new Map(marks.rows.map((mark) => [mark.id, mark])),
    sessions: new Map(sessions.rows.map((session) => [session.id, session])),
    formerHours: new Map(formerHours.rows.map((hours) => [hours.session_id, hoursOf(hours)])),
    slots: slots.rows,
    changeLogRows: await countChangeLog(db),
    // New columns (and new tables) are left out: what was there before must be there still.
    tables: await readTables(db, (table, columns) => columns.filter((column) => !before.tables.get(table)?.columns.includes(column))),
  };
}

/** The schema as the type generation and the application see it: tables, keys, triggers, policies. */
async function readSchema(db: Db): Promise<Record<string, unknown[]>> {
  const queries = {
    columns: sql`select table_schema, table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
        character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_identity, is_generated
      from information_schema.columns where table_schema in ('public', 'auth') order by 1, 2, 4`,
    constraints: sql`select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(c.oid) as definition
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname in ('public', 'auth') order by 1, 2`,
    indexes: sql`select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname in ('public', 'auth') order by 1, 2, 3`,
    triggers: sql`select tgrelid::regclass::text as table_name, tgname, tgenabled, pg_get_triggerdef(t.oid) as definition
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname in ('public', 'auth') order by 1, 2`,
    functions: sql`select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) as arguments, md5(pg_get_functiondef(p.oid)) as body,
        p.proacl::text as privileges
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('public', 'auth') and p.prokind = 'f' order by 1, 2, 3`,
    policies: sql`select schemaname, tablename, policyname, cmd, roles::text, qual, with_check from pg_policies
      where schemaname in ('public', 'auth') order by 1, 2, 3`,
    tables: sql`select n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relacl::text as privileges
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'auth') and c.relkind in ('r', 'p', 'v', 'm', 'S') order by 1, 2`,
  };
  const schema: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(queries)) schema[name] = (await query.execute(db)).rows;
  return schema;
}

const freshSchemas = new Map<Engine, Promise<Record<string, unknown[]>>>();

/** The schema of a database migrated from scratch, once per engine. */
function readFreshSchema(engine: Engine): Promise<Record<string, unknown[]>> {
  if (!freshSchemas.has(engine)) freshSchemas.set(engine, readFreshSchemaOnce(engine));
  return freshSchemas.get(engine)!;
}

async function readFreshSchemaOnce(engine: Engine): Promise<Record<string, unknown[]>> {
  const handle =
    engine === 'embedded'
      ? await connect({ engine, dataDir: 'memory' })
      : await connect({ engine, databaseUrl: await createServerDatabase({ template: true }), poolSize: 1 });
  try {
    if (engine === 'embedded') await migrate(handle.db);
    return await readSchema(handle.db);
  } finally {
    await handle.close();
  }
}

/** Fails with how many went wrong and the first few, rather than thousands of lines. */
function expectNone(problems: string[], what: string): void {
  expect({ [what]: problems.length, first: problems.slice(0, 8) }).toEqual({ [what]: 0, first: [] });
}

function describeSession(session: PreviousSession): string {
  return `session ${session.id} (${session.start_date}..${session.end_date}, ${session.start_time} ${session.am_end_time} ${session.pm_start_time} ${session.end_time})`;
}

// The checks, on each data set and engine ---------------------------------------------------

type DataSet = {
  title: string;
  load(db: Db): Promise<void>;
  timeZone?: string;
  /** Checks that the data set holds what it claims to, so that the upgrade checks are not vacuous. */
  holds(before: Before): void;
};

function describeUpgrade(dataSet: DataSet, engine: Engine): void {
  describe(`upgrade to session slots: ${dataSet.title} [${engine}]`, () => {
    let handle: DatabaseHandle;
    let previouslyApplied: string[];
    let applied: string[];
    let appliedLater: string[];
    let before: Before;
    let after: After;

    beforeAll(async () => {
      handle = await openEmptyDatabase(engine, dataSet.timeZone);
      previouslyApplied = await migrate(handle.db, { migrationsDir: migrationsDirs.previous });
      await dataSet.load(handle.db);
      before = await readBefore(handle.db);
      applied = await migrate(handle.db, { migrationsDir: migrationsDirs.slots });
      after = await readAfter(handle.db, before);
      appliedLater = await migrate(handle.db);
    });

    afterAll(async () => {
      await handle?.close();
    });

    it('builds the previous schema from the earlier migrations, then applies the slots migration alone, then the later ones', () => {
      const versions = readMigrationFiles().map((file) => file.version);
      expect(previouslyApplied).toEqual(versions.filter((version) => version < SLOTS_VERSION));
      expect(applied).toEqual([SLOTS_VERSION]);
      expect(appliedLater).toEqual(versions.filter((version) => version > SLOTS_VERSION));
    });

    it('holds what the data set is meant to exercise', () => {
      dataSet.holds(before);
    });

    it('makes every half-day of the previous schedule one slot, with its date, part of the day and hours', () => {
      const slotsByKey = new Map<string, Slot[]>();
      for (const slot of after.slots) {
        const key = halfDayKey(slot.session_id, slot.date, slot.part_of_day);
        slotsByKey.set(key, [...(slotsByKey.get(key) ?? []), slot]);
      }
      const problems: string[] = [];
      for (const halfDay of before.halfDays.values()) {
        const found = slotsByKey.get(halfDayKey(halfDay.session.id, halfDay.date, PART_OF_DAY[halfDay.slot])) ?? [];
        const where = `${describeSession(halfDay.session)} ${halfDay.date} ${halfDay.slot}`;
        if (found.length !== 1) problems.push(`${where}: ${found.length} slots`);
        else if (found[0]!.organization_id !== halfDay.session.organization_id) problems.push(`${where}: slot of another organisation`);
        else if (formatTimeOfDay(found[0]!.start_time) !== halfDay.start_time || formatTimeOfDay(found[0]!.end_time) !== halfDay.end_time) {
          problems.push(`${where}: slot ${found[0]!.start_time}-${found[0]!.end_time}, half-day ${halfDay.start_time}-${halfDay.end_time}`);
        }
      }
      expectNone(problems, 'half-days not found as one slot');
    });

    it('makes no other slot than the half-days and one home for the marks of each half-day they lacked', () => {
      const sessions = new Map(before.sessions.map((session) => [session.id, session]));
      const marked = new Map<string, PreviousMark>();
      for (const mark of before.marks) {
        const slotId = after.marks.get(mark.id)?.slot_id;
        if (slotId) marked.set(slotId, mark);
      }
      const seen = new Set<string>();
      const problems: string[] = [];
      for (const slot of after.slots) {
        const key = halfDayKey(slot.session_id, slot.date, slot.part_of_day);
        const session = sessions.get(slot.session_id);
        const where = `slot ${slot.date} ${slot.part_of_day} ${slot.start_time}-${slot.end_time} of ${session ? describeSession(session) : slot.session_id}`;
        if (session && slot.organization_id !== session.organization_id) problems.push(`${where}: in another organisation`);
        if (seen.has(key)) problems.push(`${where}: a second slot for this half-day`);
        seen.add(key);
        const halfDaySlot = slot.part_of_day === 'morning' ? 'am' : 'pm';
        if (before.halfDays.has(halfDayKey(slot.session_id, slot.date, halfDaySlot))) continue;
        const mark = marked.get(slot.id);
        if (!session || !mark) {
          problems.push(`${where}: neither a half-day of the session nor the home of a mark`);
          continue;
        }
        const [start, end] = markSlotHours(session, halfDaySlot);
        if (formatTimeOfDay(slot.start_time) !== start || formatTimeOfDay(slot.end_time) !== end) {
          problems.push(`${where}: a mark's slot should run ${start}-${end}`);
        }
      }
      expectNone(problems, 'slots out of place');
    });

    it('keeps every mark with its values, on a slot of its session with its date and part of the day', () => {
      const slots = new Map(after.slots.map((slot) => [slot.id, slot]));
      const problems: string[] = [];
      for (const { slot, ...previous } of before.marks) {
        const current = after.marks.get(previous.id);
        const where = `mark ${previous.id} (session ${previous.session_id}, ${previous.date} ${slot})`;
        if (!current) {
          problems.push(`${where}: lost`);
          continue;
        }
        const { slot_id: slotId, ...values } = current;
        if (JSON.stringify(values) !== JSON.stringify(previous)) problems.push(`${where}: now ${JSON.stringify(values)}`);
        if (previous.session_id === null) {
          if (slotId !== null) problems.push(`${where}: a mark without session got slot ${slotId}`);
          continue;
        }
        const home = slotId === null ? undefined : slots.get(slotId);
        if (!home) problems.push(`${where}: no slot (slot_id ${slotId})`);
        else if (home.session_id !== previous.session_id || home.organization_id !== previous.organization_id) {
          problems.push(`${where}: on a slot of session ${home.session_id}`);
        } else if (home.date !== previous.date || home.part_of_day !== PART_OF_DAY[slot]) {
          problems.push(`${where}: on the slot of ${home.date} ${home.part_of_day}`);
        }
      }
      expect(after.marks.size).toBe(before.marks.length);
      expectNone(problems, 'marks not kept');
    });

    it('leaves the change log and every column of every table as they were, but the slot of marks and the four times of sessions (kept aside)', () => {
      expect(after.changeLogRows).toBe(before.changeLogRows);
      const lost = [...before.tables].flatMap(([table, content]) => {
        const columns = after.tables.get(table)?.columns ?? [];
        return content.columns.filter((column) => !columns.includes(column)).map((column) => `${table}.${column}`);
      });
      expect(lost.sort()).toEqual(Object.entries(DROPPED_COLUMNS).flatMap(([table, columns]) => columns.map((column) => `${table}.${column}`)).sort());
      const changedSessions = before.sessions
        .filter((session) => after.sessions.get(session.id)?.kept_columns !== session.kept_columns)
        .map((session) => `${describeSession(session)}: ${after.sessions.get(session.id)?.kept_columns ?? 'lost'}`);
      expectNone(changedSessions, 'sessions changed');
      expect(after.sessions.size).toBe(before.sessions.length);
      // The four times themselves are kept aside, one row per session.
      const hoursLost = before.sessions
        .filter((session) => after.formerHours.get(session.id) !== hoursOf(session))
        .map((session) => `${describeSession(session)}: former hours ${after.formerHours.get(session.id) ?? 'none'}`);
      expectNone(hoursLost, 'sessions whose former hours were not kept');
      expect(after.formerHours.size).toBe(before.sessions.length);
      const changedTables = [...before.tables]
        .filter(([table, content]) => {
          const now = after.tables.get(table);
          return now?.rows !== content.rows || now.fingerprint !== content.fingerprint;
        })
        .map(([table, content]) => `${table}: ${content.rows} rows before, ${after.tables.get(table)?.rows} after, or other values`);
      expectNone(changedTables, 'tables changed');
    });

    it('counts the same attended minutes per learner from the slots as from the previous half-days', () => {
      const slots = new Map(after.slots.map((slot) => [slot.id, slot]));
      const previousMinutes = new Map<string, number>();
      const currentMinutes = new Map<string, number>();
      const add = (totals: Map<string, number>, learner: string, minutes: number) => totals.set(learner, (totals.get(learner) ?? 0) + minutes);
      for (const mark of before.marks) {
        if (mark.session_id === null) continue;
        const halfDay = before.halfDays.get(halfDayKey(mark.session_id, mark.date, mark.slot));
        if (!halfDay) continue;
        const learner = `${mark.organization_id} ${mark.student_id}`;
        add(previousMinutes, learner, attendedMinutes(halfDay.minutes, mark));
        const home = slots.get(after.marks.get(mark.id)?.slot_id ?? '');
        add(currentMinutes, learner, home ? attendedMinutes(minutesOfDay(home.end_time) - minutesOfDay(home.start_time), mark) : 0);
      }
      expect([...previousMinutes.values()].reduce((sum, minutes) => sum + minutes, 0)).toBeGreaterThan(0);
      expect(Object.fromEntries(currentMinutes)).toEqual(Object.fromEntries(previousMinutes));
    });

    it('is a no-op the second time, and leaves the schema a fresh migration builds (the one types are generated from)', async () => {
      expect(await migrate(handle.db)).toEqual([]);
      const status = await migrationStatus(handle.db, defaultMigrationsDir);
      expect({ pending: status.pending, modified: status.modified, unknown: status.unknown }).toEqual({ pending: [], modified: [], unknown: [] });
      expect(await readSchema(handle.db)).toEqual(await readFreshSchema(engine));
    });
  });
}

// The two data sets ----------------------------------------------------------------------------

function classifyMarks(before: Before): Record<string, number> {
  const sessions = new Map(before.sessions.map((session) => [session.id, session]));
  const counts: Record<string, number> = { 'on a half-day': 0, 'on a Saturday': 0, 'on a Sunday': 0, 'outside the session dates': 0, 'on a zero-minute half-day': 0, 'without session': 0 };
  for (const mark of before.marks) {
    const session = mark.session_id === null ? undefined : sessions.get(mark.session_id);
    if (!session) counts['without session']! += 1;
    else if (before.halfDays.has(halfDayKey(session.id, mark.date, mark.slot))) counts['on a half-day']! += 1;
    else if (mark.date < session.start_date || mark.date > session.end_date) counts['outside the session dates']! += 1;
    else if (isoWeekday(mark.date) === 6) counts['on a Saturday']! += 1;
    else if (isoWeekday(mark.date) === 7) counts['on a Sunday']! += 1;
    else counts['on a zero-minute half-day']! += 1;
  }
  return counts;
}

const DATA_SETS: DataSet[] = [
  {
    title: 'the demo of the previous release (ba1b7a3)',
    load: loadDemoFixture,
    holds(before) {
      expect(before.sessions).toHaveLength(20);
      expect(before.tables.get('public.students')?.rows).toBe(60);
      expect(classifyMarks(before)['on a half-day']).toBe(before.marks.length);
      expect(before.marks.length).toBeGreaterThan(300);
      expect(before.changeLogRows).toBeGreaterThan(0);
    },
  },
  {
    title: `${SESSION_COUNT} sessions of every shape and their marks, on a server in ${MIDNIGHT_SKIPPING_TIME_ZONE}`,
    load: generateAdversarialData,
    timeZone: MIDNIGHT_SKIPPING_TIME_ZONE,
    holds(before) {
      expect(before.sessions.length).toBeGreaterThanOrEqual(2000);
      expect(new Set(before.sessions.map((session) => session.organization_id)).size).toBe(2);
      expect(before.marks.length).toBeGreaterThanOrEqual(50_000);
      const counts = classifyMarks(before);
      for (const [kind, count] of Object.entries(counts)) expect(count, `marks ${kind}`).toBeGreaterThan(0);
      expect(before.changeLogRows).toBeGreaterThan(0);
      // A session running through the night Chile's clocks skip midnight (2025-09-06 to 09-07).
      expect(before.sessions.some((session) => session.start_date <= '2025-09-06' && session.end_date >= '2025-09-08')).toBe(true);
    },
  },
];

for (const engine of ENGINES) {
  for (const dataSet of DATA_SETS) describeUpgrade(dataSet, engine);
}
