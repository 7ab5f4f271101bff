/**
 * Sessions whose organisation nothing tells: a legacy session with no programme, and no trainer,
 * learner, mark or grade from which its organisation could be read (legacy `program_sessions`
 * had no `organization_id`). They are never dropped:
 * - on a database with one organisation they go to it (`orphanOrganizationSql` falls back to it,
 *   and `--orphan-sessions=placeholder` files them under its "Sessions sans formation");
 * - with `--default-organization=CODE` they go to that organisation;
 * - otherwise `--unplaced-sessions=set-aside` (which `db upgrade --yes` takes when neither flag
 *   is given) moves each one, whole, out of `program_sessions` in the remedies phase, its legacy
 *   row in `eduzen_upgrade.remedy_log`. The product table `public.unplaced_sessions` comes with a
 *   later migration, so the rows are copied there once the migrate phase has run it; `verify`
 *   proves every one is there, a rollback puts them back, `eduzen unplaced-sessions restore`
 *   files one into an organisation.
 * A session that a row of another table points at (the operator's own tables) is not set aside:
 * that row would be lost or left pointing at nothing. It is a blocker whose remedy names the
 * organisation.
 */
import { type Kysely, sql } from 'kysely';
import { type LegacyLayout, legacyColumn, orphanOrganizationSql, quoteLiteral, sessionsSourceSql } from './layout';
import type { Blocker, Remedies } from './preflight';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

/** The remedy's name in `eduzen_upgrade.remedy_log`. */
export const SET_ASIDE_REMEDY = 'unplaced-sessions=set-aside';
export const SET_ASIDE_FLAG = '--unplaced-sessions=set-aside';
const SAMPLE_SIZE = 5;
const SEVERAL_ORGANIZATIONS_SQL = '(select count(*) from public.organizations) <> 1';

/** True for a legacy session row aliased `t` whose organisation nothing tells. */
export function unplacedConditionSql(layout: LegacyLayout): string {
  const programColumn = legacyColumn(layout, 'sessions', 'formation_id') ?? 'program_id';
  const child = (table: 'enrollments' | 'attendance' | 'grades') =>
    `not exists (select 1 from public.${table} c where c.${legacyColumn(layout, table, 'session_id') ?? 'session_id'} = t.id)`;
  return `(t.${programColumn} is null and ${orphanOrganizationSql(layout, undefined, true)} is null
    and ${child('enrollments')} and ${child('attendance')} and ${child('grades')})`;
}

/**
 * For the sessions projection: the sessions this module accounts for (set aside, or a blocker of
 * its own) are left out of the other checks. Not with --default-organization (they are then
 * placed like any session without a programme), nor on a database with one organisation.
 */
export function projectionExclusionSql(layout: LegacyLayout, defaultOrganizationCode: string | undefined): string {
  if (defaultOrganizationCode !== undefined) return '';
  return `where not (${unplacedConditionSql(layout)} and ${SEVERAL_ORGANIZATIONS_SQL})`;
}

type Reference = { table: string; condition: string };

/** Foreign keys of any table to the legacy sessions relation, each as a condition on a session aliased `t`. */
async function sessionReferences(db: AnyDb, layout: LegacyLayout): Promise<Reference[]> {
  const found = await sql<{ table: string; columns: string[]; parents: string[] }>`
    select format('%I.%I', n.nspname, c.relname) as "table",
      array(select format('%I', a.attname) from unnest(k.conkey) with ordinality u (attnum, i)
        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.i) as columns,
      array(select format('%I', a.attname) from unnest(k.confkey) with ordinality u (attnum, i)
        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.i) as parents
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and k.confrelid = to_regclass(${`public.${layout.relation.sessions}`})
    order by 1`.execute(db);
  return found.rows.map((row) => ({
    table: row.table,
    condition: `exists (select 1 from ${row.table} r where ${row.columns.map((column, index) => `r.${column} = t.${row.parents[index]}`).join(' and ')})`,
  }));
}

/**
 * What preflight says of these sessions: nothing when there are none or --default-organization
 * places them; information on a database with one organisation; otherwise a blocker resolved by
 * --unplaced-sessions=set-aside, and one more for those that rows of other tables point at.
 */
export async function unplacedSessionBlockers(db: AnyDb, layout: LegacyLayout, remedies: Remedies): Promise<Blocker[]> {
  if (remedies.defaultOrganization !== undefined) return [];
  const source = `${sessionsSourceSql(layout)} t where ${unplacedConditionSql(layout)}`;
  const unplaced = await sql.raw<{ count: string; sample: string[] | null }>(
    `select count(*)::text as count, (array_agg(t.id::text order by t.id))[1:${SAMPLE_SIZE}] as sample from ${source}`,
  ).execute(db);
  const count = Number(unplaced.rows[0]?.count ?? 0);
  if (count === 0) return [];
  const sample = unplaced.rows[0]?.sample ?? [];
  const title = `the organisation of ${count} sessions is told by nothing (no programme, trainer, learner, mark or grade)`;
  const organizations = (await sql<{ code: string; name: string }>`select code, name from public.organizations order by code limit 2`.execute(db)).rows;
  if (organizations.length === 1) {
    const only = organizations[0]!;
    return [{
      id: 'unplaced-sessions', title, table: 'sessions', count, sample, resolved: true,
      remedy: `none needed: they go to the only organisation, ${only.code} (${only.name}), filed like any session without a programme`,
    }];
  }
  const blockers: Blocker[] = [{
    id: 'unplaced-sessions', title, table: 'sessions', count, sample,
    remedy: 'set them aside, whole and unchanged, in the table unplaced_sessions (eduzen unplaced-sessions list; restore one into an organisation later with eduzen unplaced-sessions restore); or name their organisation with --default-organization=CODE. db upgrade --yes without either flag sets them aside',
    flag: SET_ASIDE_FLAG,
    resolved: remedies.unplacedSessions === 'set-aside',
  }];
  const references = await sessionReferences(db, layout);
  if (references.length > 0) {
    const referenced = await sql.raw<{ count: string; sample: string[] | null; tables: string[] }>(
      `select count(*)::text as count, (array_agg(t.id::text order by t.id))[1:${SAMPLE_SIZE}] as sample,
         array[${references.map((reference, index) => `case when bool_or(${reference.condition}) then ${quoteLiteral(references[index]!.table)} end`).join(', ')}] as tables
       from ${source} and (${references.map((reference) => reference.condition).join(' or ')})`,
    ).execute(db);
    const referencedCount = Number(referenced.rows[0]?.count ?? 0);
    if (referencedCount > 0) {
      const tables = (referenced.rows[0]?.tables ?? []).filter((table) => table !== null);
      blockers.push({
        id: 'unplaced-sessions:referenced',
        title: `${referencedCount} of these sessions are pointed at by rows of ${tables.join(', ')}: setting them aside would lose those rows`,
        table: 'sessions',
        count: referencedCount,
        sample: referenced.rows[0]?.sample ?? [],
        remedy: 'name the organisation they belong to (with --orphan-sessions=placeholder they are filed under its "Sessions sans formation")',
        flag: '--default-organization=CODE',
        resolved: false,
      });
    }
  }
  return blockers;
}

/**
 * The set-aside remedy, run first among the remedies (on the repaired layout): the tables'
 * checksums recorded before any change, then each session whose organisation nothing tells,
 * and that no row of another table points at, deleted from the legacy table with its whole row
 * logged. Nothing on a database with one organisation, or once they are gone (a re-run).
 */
export function setAsideRemedySql(layout: LegacyLayout, remedies: Remedies): string[] {
  if (remedies.unplacedSessions !== 'set-aside' || remedies.defaultOrganization !== undefined) return [];
  const sessions = layout.relation.sessions;
  const condition = `${unplacedConditionSql(layout)} and ${SEVERAL_ORGANIZATIONS_SQL}`;
  return [`do $eduzen_unplaced$
declare
  v_referenced text;
begin
  if not exists (select 1 from public.${sessions} t where ${condition}) then
    return;
  end if;
  perform eduzen_upgrade.record_legacy_checksums(array[${quoteLiteral(sessions)}, ${quoteLiteral(layout.relation.formations)}]);
  select coalesce(string_agg(format('exists (select 1 from %I.%I r where %s)', n.nspname, c.relname,
      (select string_agg(format('r.%I = t.%I', a.attname, p.attname), ' and ')
        from unnest(k.conkey, k.confkey) u (attnum, parent)
        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum
        join pg_attribute p on p.attrelid = k.confrelid and p.attnum = u.parent)), ' or '), 'false')
    into v_referenced
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and k.confrelid = ${quoteLiteral(`public.${sessions}`)}::regclass;
  execute format($sql$with moved as (delete from public.${sessions} t where ${condition} and not (%s) returning t.*)
    insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
      select ${quoteLiteral(SET_ASIDE_REMEDY)}, 'sessions', m.id, jsonb_build_object('row', to_jsonb(m)) from moved m$sql$, v_referenced);
end
$eduzen_unplaced$`];
}

/**
 * After the migrate phase: the sessions set aside copied into the product's kept table, with
 * the run that set them aside. Idempotent (a re-run after a kill copies what is missing).
 */
export const KEEP_SET_ASIDE_SQL = `do $eduzen_unplaced$
begin
  if to_regclass('eduzen_upgrade.remedy_log') is null or to_regclass('public.unplaced_sessions') is null then
    return;
  end if;
  insert into public.unplaced_sessions (id, legacy_row, set_aside_at, upgrade_run_id, upgrade_started_at)
    select l.row_id, l.details -> 'row', l.applied_at, r.id, r.started_at
    from eduzen_upgrade.remedy_log l
    cross join lateral (select x.id, x.started_at from eduzen_upgrade.run x
      order by x.started_at <= l.applied_at desc, x.id desc limit 1) r
    where l.remedy = ${quoteLiteral(SET_ASIDE_REMEDY)}
    on conflict (id) do nothing;
end
$eduzen_unplaced$`;

export async function keepSetAsideSessions(db: AnyDb): Promise<void> {
  await sql.raw(KEEP_SET_ASIDE_SQL).execute(db);
}

/**
 * The rollback's part: the sessions set aside put back in the legacy table as they were, with
 * its user triggers off (rollback_undo_remedies turns them off around it). Returns its counts
 * for the rollback report.
 */
export const ROLLBACK_SET_ASIDE_SQL = `
create or replace function eduzen_upgrade.rollback_set_aside_sessions() returns jsonb
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_logged bigint;
  v_undone bigint;
begin
  select count(*) into v_logged from eduzen_upgrade.remedy_log where remedy = ${quoteLiteral(SET_ASIDE_REMEDY)};
  if v_logged = 0 then
    return '{}';
  end if;
  with undone as (
    insert into public.program_sessions
      select (jsonb_populate_record(null::public.program_sessions, l.details -> 'row')).*
      from eduzen_upgrade.remedy_log l
      where l.remedy = ${quoteLiteral(SET_ASIDE_REMEDY)}
        and not exists (select 1 from public.program_sessions s where s.id = l.row_id)
      returning 1)
    select count(*) into v_undone from undone;
  return jsonb_build_object(${quoteLiteral(SET_ASIDE_REMEDY)}, jsonb_build_object('logged', v_logged, 'undone', v_undone));
end $$;
`;

export type SetAsideCheck = { name: string; ok: boolean; details: string[] };

/**
 * For `verify`: every session the upgrade set aside (the snapshot, taken after the remedies, no
 * longer counts them among the sessions) is in unplaced_sessions with its whole legacy row, or
 * has been restored into sessions under its id.
 */
export async function verifySetAsideSessions(db: AnyDb): Promise<SetAsideCheck> {
  const name = 'every session set aside is kept, whole, in unplaced_sessions (or restored under its id)';
  const present = (await sql<{ log: boolean; kept: boolean }>`
    select to_regclass('eduzen_upgrade.remedy_log') is not null as log, to_regclass('public.unplaced_sessions') is not null as kept`.execute(db)).rows[0]!;
  if (!present.log) return { name, ok: true, details: ['no upgrade log: nothing set aside to account for'] };
  if (!present.kept) {
    const logged = Number((await sql<{ n: string }>`select count(*)::text as n from eduzen_upgrade.remedy_log where remedy = ${SET_ASIDE_REMEDY}`.execute(db)).rows[0]!.n);
    return { name, ok: logged === 0, details: logged === 0 ? ['no session was set aside'] : [`${logged} sessions set aside, and the table unplaced_sessions is missing`] };
  }
  const result = await sql<{ logged: string; missing: string[] | null; differing: string[] | null; lost: string[] | null }>`
    select count(*)::text as logged,
      array_agg(l.row_id::text order by l.row_id) filter (where u.id is null) as missing,
      array_agg(l.row_id::text order by l.row_id) filter (where u.id is not null and u.legacy_row is distinct from l.details -> 'row') as differing,
      array_agg(l.row_id::text order by l.row_id) filter (where u.restored_at is not null
        and not exists (select 1 from public.sessions s where s.id = u.id)) as lost
    from eduzen_upgrade.remedy_log l left join public.unplaced_sessions u on u.id = l.row_id
    where l.remedy = ${SET_ASIDE_REMEDY}`.execute(db);
  const row = result.rows[0]!;
  const logged = Number(row.logged);
  const details = [`${logged} sessions set aside by the upgrade`];
  if (row.missing) details.push(`not in unplaced_sessions: ${row.missing.join(', ')}`);
  if (row.differing) details.push(`kept with another row than the one set aside: ${row.differing.join(', ')}`);
  if (row.lost) details.push(`marked restored but not in sessions: ${row.lost.join(', ')}`);
  return { name, ok: !row.missing && !row.differing && !row.lost, details };
}
