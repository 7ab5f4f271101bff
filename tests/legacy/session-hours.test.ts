/**
 * Legacy sessions at any hour (DESIGN §5, decision 012): in the morning only, in the afternoon
 * only, in the evening, without hours, or with hours that end before they start. None is a hand
 * fix; each becomes slots holding its own hours, or none when its hours are not known.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { readRelationColumns, resolveLayout } from '../../src/migrate/legacy/layout';
import { runPreflight } from '../../src/migrate/legacy/preflight';
import { runRollback } from '../../src/migrate/legacy/rollback';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { verifyDatabase } from '../../src/migrate/legacy/verify';
import { SMALL_SIZE, buildLegacyShape } from '../support/legacy/builder';
import { type Query, catalogueOf, tableChecksums } from '../support/legacy/catalogue';

const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
const REMEDIES = { orphanSessions: 'placeholder', reversedDates: 'swap', legacyValues: 'map' } as const;

/** Sessions with a programme, one per shape, by their position among such sessions. */
const SHAPES: { name: string; start: string | null; end: string | null }[] = [
  { name: 'morning', start: "'09:00'", end: "'12:00'" },
  { name: 'afternoon', start: "'14:00'", end: "'17:30'" },
  { name: 'evening', start: "'18:00'", end: "'21:00'" },
  { name: 'early', start: "'06:00'", end: "'08:00'" },
  { name: 'no-start', start: 'null', end: "'12:00'" },
  { name: 'no-hours', start: 'null', end: 'null' },
  { name: 'overnight', start: "'22:00'", end: "'02:00'" },
];

function shapesSql(): string[] {
  return [
    'alter table public.program_sessions alter column start_time drop not null, alter column start_time drop default',
    'alter table public.program_sessions alter column end_time drop not null, alter column end_time drop default',
    ...SHAPES.map((shape, index) => `update public.program_sessions set name = 'Horaires ${shape.name}', start_time = ${shape.start}, end_time = ${shape.end}
      where id = (select id from public.program_sessions where program_id is not null and start_date < end_date order by id offset ${index} limit 1)`),
    // A day's mark on the afternoon and the evening courses.
    `insert into public.attendance (organization_id, program_session_id, student_id, date, status)
      select p.organization_id, s.id, st.id, s.start_date + 1, 'present' from public.program_sessions s
      join public.programs p on p.id = s.program_id
      cross join lateral (select id from public.students where organization_id = p.organization_id order by id limit 1) st
      where s.name in ('Horaires afternoon', 'Horaires evening') on conflict do nothing`,
  ];
}

describe('legacy sessions at any hour', () => {
  let handle: DatabaseHandle;
  const query = (text: string) => sql.raw<Record<string, unknown>>(text).execute(handle.db).then((result) => result.rows);
  const look = () => handle.db.connection().execute(async (connection) => {
    const run: Query = async (text) => (await sql.raw<Record<string, unknown>>(text).execute(connection)).rows;
    return { catalogue: await catalogueOf(run), checksums: await tableChecksums(run) };
  });

  beforeAll(async () => {
    handle = await connect({ engine: 'embedded', dataDir: 'memory' });
    await buildLegacyShape((statement) => sql.raw(statement).execute(handle.db), { size: SMALL_SIZE, extraSql: shapesSql() });
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('preflight: hours that do not straddle lunch are no blocker; missing and reversed hours have the mapping remedy, none is a hand fix', async () => {
    const layout = resolveLayout(await readRelationColumns(handle.db))!;
    const blockers = await runPreflight(handle.db, layout, {});
    expect(blockers.filter((blocker) => blocker.remedy.includes('by hand'))).toEqual([]);
    const hours = blockers.filter((blocker) => blocker.title.includes('have no hours'));
    expect(Object.fromEntries(hours.map((blocker) => [blocker.id, blocker.count]))).toEqual({
      'not-null:sessions.start_time': 2, 'not-null:sessions.end_time': 1, 'check:sessions_times_check': 1,
    });
    expect(hours.every((blocker) => blocker.flag === '--legacy-values=map')).toBe(true);
  });

  it('an upgrade stopped after its backfill is rolled back to the legacy hours exactly', async () => {
    const before = await look();
    const stop = async (name: string) => {
      if (name === 'before:indexes') throw new Error('stopped');
    };
    await expect(runUpgrade(handle, { remedies: REMEDIES, progressStream: SINK, checkpoint: stop })).rejects.toThrow('stopped');
    expect((await runRollback(handle, {})).outcome).toBe('rolled-back');
    expect(await look()).toEqual(before);
  });

  it('upgrades: each session’s slots hold its own hours; sessions whose hours are not known keep only the slots a mark needs', async () => {
    const result = await runUpgrade(handle, { remedies: REMEDIES, progressStream: SINK });
    expect(result.outcome).toBe('upgraded');
    const slots = await query(`select replace(s.name, 'Horaires ', '') as shape,
        array_agg(distinct to_char(x.start_time, 'HH24:MI') || '-' || to_char(x.end_time, 'HH24:MI')) filter (where x.id is not null) as hours,
        count(x.id)::int as slots, count(x.id) filter (where not exists (select 1 from public.attendance a where a.slot_id = x.id))::int as unmarked
      from public.sessions s left join public.session_slots x on x.session_id = s.id
      where s.name like 'Horaires %' group by 1 order by 1`);
    const byShape = Object.fromEntries(slots.map((row) => [row.shape, row]));
    expect(byShape.morning).toMatchObject({ hours: ['09:00-12:00'] });
    expect(byShape.afternoon).toMatchObject({ hours: ['14:00-17:30'] });
    expect(byShape.evening).toMatchObject({ hours: ['18:00-21:00'] });
    expect(byShape.early).toMatchObject({ hours: ['06:00-08:00'] });
    for (const shape of ['morning', 'afternoon', 'evening', 'early']) expect(byShape[shape]!.slots).toBeGreaterThan(0);
    for (const shape of ['no-start', 'no-hours', 'overnight']) expect(byShape[shape]!.unmarked).toBe(0);
    // A day's mark on an afternoon or evening course is on that day's one slot, the one with its hours.
    const marks = await query(`select replace(s.name, 'Horaires ', '') as shape, to_char(x.start_time, 'HH24:MI') as start,
        (select count(*)::int from public.session_slots y where y.session_id = s.id and y.date = a.date) as slots_that_day
      from public.attendance a join public.sessions s on s.id = a.session_id join public.session_slots x on x.id = a.slot_id
      where s.name in ('Horaires afternoon', 'Horaires evening') and a.date = s.start_date + 1 order by 1`);
    expect(marks).toEqual([{ shape: 'afternoon', start: '14:00', slots_that_day: 1 }, { shape: 'evening', start: '18:00', slots_that_day: 1 }]);
    // The original hours are kept, as they were.
    const kept = await query(`select s.name, l.details ->> 'start_time' as start_time, l.details ->> 'end_time' as end_time
      from eduzen_upgrade.remedy_log l join public.sessions s on s.id = l.row_id where l.remedy = 'sessions-without-hours' order by 1`);
    expect(kept).toEqual([
      { name: 'Horaires no-hours', start_time: null, end_time: null },
      { name: 'Horaires no-start', start_time: null, end_time: '12:00:00' },
      { name: 'Horaires overnight', start_time: '22:00:00', end_time: '02:00:00' },
    ]);
    const report = await verifyDatabase(handle.db, undefined);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  });
});
