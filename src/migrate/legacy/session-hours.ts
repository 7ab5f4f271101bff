/**
 * Legacy sessions carry one start and one end time; the baseline splits a day into a morning
 * (start_time → am_end_time) and an afternoon (pm_start_time → end_time), with the lunch break
 * between them by default (12:30 → 13:30). A session in the morning only, the afternoon only or
 * the evening does not straddle that break: its break is moved to where it fits, so that one of
 * its half-days is empty and the other holds all its hours (9:00–12:00 → morning 9:00–12:00,
 * afternoon empty; 18:00–21:00 → morning empty, afternoon 18:00–21:00). The slots migration then
 * makes one slot of the half-day that has minutes, and none of the empty one.
 *
 * The new columns are added with the baseline's defaults (no table rewrite); the rows whose hours
 * do not straddle them are then moved in batches (`SESSION_HOURS_BACKFILL`), and a trigger does
 * the same for users' writes meanwhile, so the sessions_times_check added NOT VALID refuses
 * nothing. Sessions whose end comes before their start are left as they are: preflight lists them.
 */
import type { BackfillSpec } from './plan';

/** The break where it fits, from the row's own values: `alias.am_end_time` is the default one. */
export function sessionHoursSql(alias: string): { amEnd: string; pmStart: string } {
  const amEnd = `least(greatest(${alias}.start_time, ${alias}.am_end_time), ${alias}.end_time)`;
  return { amEnd, pmStart: `greatest(least(${alias}.end_time, ${alias}.pm_start_time), ${amEnd})` };
}

/** The same in preflight's projection, where the new columns do not exist yet: their defaults. */
export function projectedSessionHoursSql(alias: string, amEndDefault: string, pmStartDefault: string): { amEnd: string; pmStart: string } {
  const amEnd = `least(greatest(${alias}.start_time, ${amEndDefault}), ${alias}.end_time)`;
  return { amEnd, pmStart: `greatest(least(${alias}.end_time, ${pmStartDefault}), ${amEnd})` };
}

const straddles = (alias: string) =>
  `(${alias}.start_time <= ${alias}.am_end_time and ${alias}.am_end_time <= ${alias}.pm_start_time and ${alias}.pm_start_time <= ${alias}.end_time)`;

const minutes = (expression: string) => `date_trunc('minute', (${expression})::interval)`;

/**
 * A legacy mark is a day's, and the baseline puts it on the morning (`slot` defaults to `am`).
 * On a session whose morning is empty once its break is set around its hours (an afternoon or an
 * evening course), it goes on the afternoon, the half-day that has the hours, so the slots
 * migration finds it on that half-day's slot. Runs after the session hours are set, before any
 * product trigger exists (updated_at and the change log are left alone). Nothing a user writes
 * meanwhile can break a check, so no trigger is needed.
 */
export const ATTENDANCE_HALF_DAY_BACKFILL: BackfillSpec = {
  name: 'attendance_half_day',
  table: 'attendance',
  from: 'public.sessions s',
  where: 's.id = t.session_id',
  assignments: { slot: "'pm'" },
  overwrite: true,
  fillOnWrite: false,
  pending: `(t.slot = 'am' and ${minutes('s.start_time')} >= ${minutes('s.am_end_time')} and ${minutes('s.pm_start_time')} < ${minutes('s.end_time')})`,
};

export const SESSION_HOURS_BACKFILL: BackfillSpec = {
  name: 'session_hours',
  table: 'sessions',
  from: '(select) bf_none',
  where: 'true',
  assignments: { am_end_time: sessionHoursSql('t').amEnd, pm_start_time: sessionHoursSql('t').pmStart },
  overwrite: true,
  pending: `(not ${straddles('t')} and t.start_time <= t.end_time)`,
};

/** Legacy sessions without hours: the remedy's name in the log, and the hours it writes meanwhile. */
export const HOURS_UNKNOWN_REMEDY = 'sessions-without-hours';
const USUAL_START = "'09:00'::time";
const USUAL_END = "'17:00'::time";

/**
 * Part of `--legacy-values=map`: a legacy session without a start or an end time, or whose end
 * comes before its start on the day (no day's slot can hold that), is carried with
 * the legacy defaults (9:00, 17:00) so the baseline's NOT NULL holds, each original kept in the
 * log; once the later migrations have made its slots, those no learner was marked on are taken
 * away again (`UNKNOWN_HOURS_SLOTS_SQL`): its hours are not known yet, as a session created
 * without a planning. Over the legacy table, before the snapshot.
 */
export function sessionsWithoutHoursSql(relation: string): string[] {
  const missing = '(t.start_time is null or t.end_time is null or t.start_time > t.end_time)';
  const reversed = 't.start_time > t.end_time';
  const start = `case when ${reversed} then ${USUAL_START} else coalesce(t.start_time, least(${USUAL_START}, t.end_time)) end`;
  const end = `case when ${reversed} then ${USUAL_END} else coalesce(t.end_time, greatest(${USUAL_END}, coalesce(t.start_time, ${USUAL_START}))) end`;
  return [
    `select eduzen_upgrade.record_legacy_checksums(array['${relation}']) where exists (select 1 from public.${relation} t where ${missing})`,
    `insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
      select '${HOURS_UNKNOWN_REMEDY}', 'sessions', t.id, jsonb_build_object('start_time', t.start_time, 'end_time', t.end_time,
        'to_start_time', ${start}, 'to_end_time', ${end}, 'updated_at', to_jsonb(t) -> 'updated_at')
      from public.${relation} t where ${missing}`,
    `update public.${relation} t set start_time = ${start}, end_time = ${end} where ${missing}`,
  ];
}

/** After the later migrations: the slots made from the stand-in hours, where nobody was marked. */
export const UNKNOWN_HOURS_SLOTS_SQL = `delete from public.session_slots s using eduzen_upgrade.remedy_log l
  where l.remedy = '${HOURS_UNKNOWN_REMEDY}' and s.session_id = l.row_id
    and not exists (select 1 from public.attendance a where a.slot_id = s.id)`;

/** The rollback's part: the empty hours given back where the row still holds the stand-ins. */
export const ROLLBACK_SESSION_HOURS_SQL = String.raw`
create or replace function eduzen_upgrade.rollback_session_hours() returns jsonb
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_undone bigint;
  v_stamp text := '';
begin
  if not exists (select 1 from eduzen_upgrade.remedy_log where remedy = '${HOURS_UNKNOWN_REMEDY}') then
    return '{}';
  end if;
  if eduzen_upgrade.has_column('program_sessions', 'updated_at') then
    v_stamp := ', updated_at = case when t.updated_at = l.applied_at and l.details ? ''updated_at'' then (l.details ->> ''updated_at'')::timestamptz else t.updated_at end';
  end if;
  execute format('with undone as (update public.program_sessions t
      set start_time = (l.details ->> %L)::time, end_time = (l.details ->> %L)::time%s
      from eduzen_upgrade.remedy_log l
      where l.remedy = %L and l.row_id = t.id
        and t.start_time = (l.details ->> %L)::time and t.end_time = (l.details ->> %L)::time
      returning 1) select count(*) from undone', 'start_time', 'end_time', v_stamp, '${HOURS_UNKNOWN_REMEDY}', 'to_start_time', 'to_end_time')
    into v_undone;
  return jsonb_build_object('${HOURS_UNKNOWN_REMEDY}', v_undone);
end $$;
`;
