/**
 * Legacy attendance kept one row per learner and day, and nothing stopped a second row for the
 * same learner, session and day (a mark taken twice, a correction entered as a new row). The
 * baseline has one mark per learner, session, day and half-day. Part of `--legacy-values=map`:
 * the latest row of each such day (by updated_at, then created_at, then id) is the effective
 * mark; each earlier row leaves the table whole into the upgrade log and, once the later
 * migrations ran, into the product's change history (`change_log`, operation UPDATE on the
 * effective mark, `old_values` the earlier row with its legacy id and timestamps, at the time the
 * next row superseded it). `db verify` proves every legacy id is found: in `attendance`, or there.
 */
import { type Kysely, sql } from 'kysely';
import { type LegacyLayout, legacyColumn } from './layout';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export const ATTENDANCE_DAYS_REMEDY = 'attendance-days';
export const ATTENDANCE_DAY_KEY = 'attendance_session_student_date_slot_key';

export function attendanceDaysSql(layout: LegacyLayout): string[] {
  const session = legacyColumn(layout, 'attendance', 'session_id');
  if (!session) return [];
  const relation = `public.${layout.relation.attendance}`;
  const ranked = `select t.id, to_jsonb(t) as row,
      first_value(t.id) over w as effective,
      lag(t.created_at) over w as superseded_at,
      row_number() over w as position
    from ${relation} t
    where t.${session} is not null
    window w as (partition by t.organization_id, t.${session}, t.student_id, t.date
      order by t.updated_at desc, t.created_at desc, t.id desc)`;
  return [
    `select eduzen_upgrade.record_legacy_checksums(array['${layout.relation.attendance}'])
      where exists (select 1 from ${relation} t where t.${session} is not null
        group by t.organization_id, t.${session}, t.student_id, t.date having count(*) > 1)`,
    `with earlier as (select * from (${ranked}) r where r.position > 1),
      moved as (delete from ${relation} t using earlier e where t.id = e.id returning t.id)
      insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
      select '${ATTENDANCE_DAYS_REMEDY}', 'attendance', e.id, jsonb_build_object('row', e.row, 'effective', e.effective, 'superseded_at', e.superseded_at)
      from earlier e join moved m on m.id = e.id`,
  ];
}

/** After the later migrations: the earlier rows into the history of the effective mark. Idempotent. */
export const ATTENDANCE_HISTORY_SQL = `insert into public.change_log (organization_id, table_name, row_id, operation, old_values, new_values, changed_by, changed_at)
  select (l.details -> 'row' ->> 'organization_id')::uuid, 'attendance', (l.details ->> 'effective')::uuid, 'UPDATE',
    case when l.details -> 'row' ? 'program_session_id'
      then ((l.details -> 'row') - 'program_session_id') || jsonb_build_object('session_id', l.details -> 'row' -> 'program_session_id')
      else l.details -> 'row' end,
    null, null, coalesce((l.details ->> 'superseded_at')::timestamptz, l.applied_at)
  from eduzen_upgrade.remedy_log l
  where l.remedy = '${ATTENDANCE_DAYS_REMEDY}'
    and not exists (select 1 from public.change_log c where c.table_name = 'attendance'
      and c.row_id = (l.details ->> 'effective')::uuid and c.old_values ->> 'id' = l.row_id::text)
  order by l.id`;

/** The rollback's part (tables under their legacy names): the earlier rows back, whole. */
export const ROLLBACK_ATTENDANCE_DAYS_SQL = `insert into public.attendance select (jsonb_populate_record(null::public.attendance, l.details -> 'row')).*
    from eduzen_upgrade.remedy_log l
    where l.remedy = '${ATTENDANCE_DAYS_REMEDY}' and not exists (select 1 from public.attendance a where a.id = l.row_id)`;

export type KeptRowsCheck = { name: string; ok: boolean; details: string[] };

/**
 * For `db verify`: every legacy row the mapping moved is where it went — an earlier attendance row
 * in the history of its day's effective mark, a learner's or parent's login in portal_accounts.
 */
export async function verifyMovedRows(db: AnyDb): Promise<KeptRowsCheck> {
  const name = 'every legacy row the mapping moved is found by its legacy id (attendance history, portal accounts)';
  const ready = (await sql<{ ready: boolean }>`
    select to_regclass('eduzen_upgrade.remedy_log') is not null and to_regclass('public.change_log') is not null
      and to_regclass('public.portal_accounts') is not null as ready`.execute(db)).rows[0]!;
  if (!ready.ready) return { name, ok: true, details: ['no upgrade log: nothing moved'] };
  const result = await sql<{ remedy: string; logged: string; missing: string[] | null }>`
    select l.remedy, count(*)::text as logged, (array_agg(l.row_id::text order by l.row_id) filter (where not case l.remedy
        when ${ATTENDANCE_DAYS_REMEDY} then exists (select 1 from public.change_log c where c.table_name = 'attendance'
          and c.row_id = (l.details ->> 'effective')::uuid and c.old_values ->> 'id' = l.row_id::text)
          and exists (select 1 from public.attendance a where a.id = (l.details ->> 'effective')::uuid)
        else exists (select 1 from public.portal_accounts p where p.id = l.row_id) end))[1:10] as missing
    from eduzen_upgrade.remedy_log l where l.remedy in (${ATTENDANCE_DAYS_REMEDY}, 'legacy-values=portal') group by 1 order by 1`.execute(db);
  const details = result.rows.map((row) => `${row.remedy}: ${row.logged} rows${row.missing ? `, not found: ${row.missing.join(', ')}` : ', all found'}`);
  return { name, ok: result.rows.every((row) => !row.missing), details: details.length > 0 ? details : ['nothing moved'] };
}
