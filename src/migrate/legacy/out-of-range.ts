/**
 * Legacy values the old schema took but a product CHECK refuses: a negative price, a capacity of
 * 0, ages in the wrong order, a late minute count on a mark that is not "late", a coefficient of
 * 0, a grade above its scale. The legacy tables had no such checks, so real databases hold them.
 * Part of `--legacy-values=map` (the default with `--yes`): each is replaced by the product's
 * neutral value — empty where the column may be, else its default — or, for grades, the scale is
 * widened to hold the score, never the score changed but to bring a negative one to 0. The values
 * before are kept in the upgrade log, a rollback puts them back, and `db status` counts each.
 *
 * Over the legacy tables, before the snapshot; in order (a grade's scale is mended before its score).
 */
import { type Kysely, sql } from 'kysely';
import { baselineTable } from './baseline';
import { fitsSql } from './fits';
import { type LegacyLayout, legacyColumn, quoteLiteral } from './layout';
import type { CarriedTable } from './legacy-shape';
import type { Blocker } from './preflight';
import { LEGACY_VALUES_FLAG } from './legacy-values-flag';

export const OUT_OF_RANGE_REMEDY = 'out-of-range';

type Mend = {
  table: CarriedTable;
  /** The baseline CHECK (its definition is the condition), or `not-null:column`. */
  check: string;
  /** Column → its new value, an expression over the legacy row `t`. */
  set: Record<string, string>;
  says: string;
  /** The rows to mend, when the check is a key (`duplicate:` findings). */
  where?: (relation: string) => string;
};

export const MENDS: Mend[] = [
  { table: 'formations', check: 'formations_age_check', set: { age_min: 'null', age_max: 'null' }, says: 'ages emptied' },
  { table: 'formations', check: 'formations_capacity_max_check', set: { capacity_max: 'null' }, says: 'capacity emptied (no limit)' },
  { table: 'formations', check: 'formations_duration_hours_check', set: { duration_hours: 'null' }, says: 'duration emptied' },
  { table: 'formations', check: 'formations_duration_days_check', set: { duration_days: 'null' }, says: 'duration emptied' },
  { table: 'formations', check: 'formations_price_check', set: { price: 'null' }, says: 'price emptied' },
  { table: 'sessions', check: 'sessions_capacity_max_check', set: { capacity_max: 'null' }, says: 'capacity emptied (no limit)' },
  {
    table: 'enrollments',
    check: 'enrollments_amounts_check',
    set: { amount_due: 'case when t.amount_due < 0 then null else t.amount_due end', amount_paid: 'greatest(t.amount_paid, 0)' },
    says: 'a negative amount due emptied, a negative amount paid set to 0',
  },
  { table: 'grades', check: 'not-null:max_score', set: { max_score: '20' }, says: 'an empty scale set to 20' },
  { table: 'grades', check: 'grades_max_score_check', set: { max_score: '20' }, says: 'a scale of 0 or less set to 20' },
  { table: 'grades', check: 'grades_coefficient_check', set: { coefficient: '1' }, says: 'a coefficient of 0 or less set to 1' },
  {
    table: 'grades',
    check: 'grades_score_check',
    set: { score: 'greatest(t.score, 0)', max_score: 'greatest(t.max_score, t.score)' },
    says: 'a negative score set to 0, a scale below its score widened to it',
  },
  {
    table: 'attendance',
    check: 'attendance_late_minutes_check',
    set: { late_minutes: "case when t.status = 'late' then least(greatest(t.late_minutes, 0), 600) end" },
    says: "late minutes emptied on a mark that is not late, else brought within 0–600",
  },
  {
    table: 'organizations',
    check: 'timezone',
    set: { timezone: "'Europe/Paris'" },
    says: "a time zone Postgres does not know set to Europe/Paris (EDUZEN's default)",
    where: () => 't.timezone is null or not exists (select 1 from pg_timezone_names z where z.name = t.timezone)',
  },
  {
    table: 'students',
    check: 'students_organization_id_student_number_key',
    set: { student_number: 'null' },
    says: "the learner number emptied on every learner but the first to hold it (the number is kept in the log; the learners are not merged)",
    where: (relation) => `t.student_number is not null and exists (select 1 from public.${relation} o where o.organization_id = t.organization_id
      and o.student_number = t.student_number and (o.created_at, o.id) < (t.created_at, t.id))`,
  },
  {
    table: 'users',
    check: 'users_organization_id_email_key',
    set: {
      email: "case when position('@' in t.email) > 0 then regexp_replace(t.email, '@', '+' || left(t.id::text, 8) || '@') else t.email || '+' || left(t.id::text, 8) end",
      is_active: 'false',
    },
    says: 'every staff account but the first with an e-mail address of the organisation made inactive, its address tagged with the start of its id (name+1a2b3c4d@…), the address kept in the log',
    where: (relation) => `exists (select 1 from public.${relation} o where o.organization_id = t.organization_id
      and o.email = t.email and (o.created_at, o.id) < (t.created_at, t.id))`,
  },
];

/** The mend a preflight finding names (`check:formations_price_check`, `not-null:grades.max_score`). */
export function mendOfFinding(id: string): Mend | undefined {
  return MENDS.find((mend) => (mend.check.startsWith('not-null:')
    ? id === `not-null:${mend.table}.${mend.check.slice('not-null:'.length)}`
    : id === `check:${mend.check}` || id === `duplicate:${mend.check}`));
}

function condition(mend: Mend, relation: string): string | null {
  if (mend.where) return mend.where(relation);
  if (mend.check.startsWith('not-null:')) return `t.${mend.check.slice('not-null:'.length)} is null`;
  const constraint = baselineTable(mend.table).constraints.find((entry) => entry.name === mend.check);
  if (!constraint) return null;
  return `(${constraint.definition.replace(/^CHECK /, '').replace(/ NOT VALID$/, '')}) is false`;
}

export function outOfRangeSql(layout: LegacyLayout): string[] {
  const statements: string[] = [...numericMendsSql(layout)];
  for (const mend of MENDS) {
    const where = condition(mend, layout.relation[mend.table]);
    const columns = Object.keys(mend.set);
    if (!where || !columns.every((column) => legacyColumn(layout, mend.table, column) === column)) continue;
    const relation = layout.relation[mend.table];
    const values = (alias: string) => `jsonb_build_object(${columns.map((column) => `${quoteLiteral(column)}, ${alias}.${column}`).join(', ')})`;
    const after = `jsonb_build_object(${columns.map((column) => `${quoteLiteral(column)}, ${mend.set[column]}`).join(', ')})`;
    statements.push(
      `select eduzen_upgrade.record_legacy_checksums(array[${quoteLiteral(relation)}]) where exists (select 1 from public.${relation} t where ${where})`,
      `insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
        select ${quoteLiteral(OUT_OF_RANGE_REMEDY)}, ${quoteLiteral(relation)}, t.id, jsonb_build_object('mend', ${quoteLiteral(mend.check)},
          'before', ${values('t')}, 'after', ${after}, 'updated_at', to_jsonb(t) -> 'updated_at')
        from public.${relation} t where ${where}`,
      `update public.${relation} t set ${columns.map((column) => `${column} = ${mend.set[column]}`).join(', ')} where ${where}`,
    );
  }
  return statements;
}

/**
 * The rollback's part: each mend undone, latest first, on the rows that still hold what it
 * wrote (`table_name` is the relation the remedy changed: the legacy one).
 */
export const ROLLBACK_OUT_OF_RANGE_SQL = String.raw`
create or replace function eduzen_upgrade.rollback_out_of_range() returns jsonb
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
  v_columns text;
  v_undone bigint := 0;
  v_count bigint;
  v_stamp text;
begin
  for r in select l.id, l.table_name, l.details from eduzen_upgrade.remedy_log l where l.remedy = '${OUT_OF_RANGE_REMEDY}' order by l.id desc loop
    select string_agg(format('%I', k), ', ') into v_columns from jsonb_object_keys(r.details -> 'before') k;
    v_stamp := case when eduzen_upgrade.has_column(r.table_name, 'updated_at')
      then format(', updated_at = case when t.updated_at = (select applied_at from eduzen_upgrade.remedy_log where id = %s) and %L::jsonb ? ''updated_at'' then (%L::jsonb ->> ''updated_at'')::timestamptz else t.updated_at end', r.id, r.details, r.details)
      else '' end;
    execute format('update public.%I t set (%s) = (select %s from jsonb_populate_record(null::public.%I, %L::jsonb))%s
        where t.id = (select row_id from eduzen_upgrade.remedy_log where id = %s) and to_jsonb(t) @> %L::jsonb',
      r.table_name, v_columns, v_columns, r.table_name, r.details -> 'before', v_stamp, r.id, r.details -> 'after');
    get diagnostics v_count = row_count;
    v_undone := v_undone + v_count;
  end loop;
  return case when v_undone > 0 then jsonb_build_object('${OUT_OF_RANGE_REMEDY}', v_undone) else '{}'::jsonb end;
end $$;
`;

/**
 * Legacy numbers a nullable column of EDUZEN cannot hold exactly once converted to its type
 * (column-types.ts finds them: 150000 hours in numeric(7,2), 1.005 in numeric(10,2)): rounded to
 * the type's scale when that fits, else emptied; before the conversion, so that it is exact.
 */
export function numericMendOf(table: string, column: string): { type: string; scale: number; says: string } | undefined {
  const target = baselineTable(table).columns.find((entry) => entry.name === column);
  const match = target && !target.notNull ? /^numeric\((\d+),(\d+)\)$/.exec(target.type) : null;
  if (!target || !match) return undefined;
  return { type: target.type, scale: Number(match[2]), says: `rounded to ${match[2]} decimals where ${target.type} then holds them, else emptied` };
}

export function numericMendsSql(layout: LegacyLayout): string[] {
  const statements: string[] = [];
  for (const table of ['formations', 'sessions', 'enrollments', 'grades'] as const) {
    for (const target of baselineTable(table).columns) {
      const mend = numericMendOf(table, target.name);
      const column = legacyColumn(layout, table, target.name);
      if (!mend || column !== target.name) continue;
      const relation = layout.relation[table];
      const value = `t.${column}`;
      const fits = (expression: string) => fitsSql(`(${expression})::text`, mend.type, false);
      const rounded = `round((${value})::numeric, ${mend.scale})`;
      const where = `${value} is not null and case when not ${fits(value)} then true else ((${value})::text)::${mend.type} <> (${value})::numeric end`;
      const after = `case when ${fits(rounded)} then ${rounded} end`;
      // Only where the legacy type differs from EDUZEN's: otherwise every value fits already.
      statements.push(`do $$
begin
  if (select format_type(a.atttypid, a.atttypmod) from pg_attribute a
      where a.attrelid = to_regclass(${quoteLiteral(`public.${relation}`)}) and a.attname = ${quoteLiteral(column)} and not a.attisdropped) is distinct from ${quoteLiteral(mend.type)} then
    perform eduzen_upgrade.record_legacy_checksums(array[${quoteLiteral(relation)}]) where exists (select 1 from public.${relation} t where ${where});
    insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
      select ${quoteLiteral(OUT_OF_RANGE_REMEDY)}, ${quoteLiteral(relation)}, t.id, jsonb_build_object('mend', ${quoteLiteral(`column-type:${table}.${column}`)},
        'before', jsonb_build_object(${quoteLiteral(column)}, ${value}), 'after', jsonb_build_object(${quoteLiteral(column)}, ${after}), 'updated_at', to_jsonb(t) -> 'updated_at')
      from public.${relation} t where ${where};
    update public.${relation} t set ${column} = ${after} where ${where};
  end if;
end $$`);
    }
  }
  return statements;
}


/**
 * Mends no baseline constraint names (a time zone Postgres does not know would stop the date
 * conversions, not a check): preflight counts them here.
 */
// biome-ignore lint: works on any database
export async function unnamedMendBlockers(db: Kysely<any>, layout: LegacyLayout, resolved: boolean): Promise<Blocker[]> {
  const blockers: Blocker[] = [];
  for (const mend of MENDS) {
    const named = mend.check.startsWith('not-null:') || baselineTable(mend.table).constraints.some((constraint) => constraint.name === mend.check);
    const columns = Object.keys(mend.set);
    if (named || !mend.where || !columns.every((column) => legacyColumn(layout, mend.table, column) === column)) continue;
    const relation = layout.relation[mend.table];
    const found = await sql.raw<{ n: string; sample: string[] | null }>(
      `select count(*) as n, (array_agg(t.id::text order by t.id))[1:5] as sample from public.${relation} t where ${mend.where(relation)}`,
    ).execute(db);
    const count = Number(found.rows[0]?.n ?? 0);
    if (count === 0) continue;
    blockers.push({
      id: `value:${mend.table}.${mend.check}`,
      title: `${count} ${mend.table} rows hold a ${columns.join(', ')} EDUZEN cannot use`,
      table: mend.table,
      count,
      sample: found.rows[0]?.sample ?? [],
      remedy: `${mend.says}, each value before kept in the upgrade log (the default with --yes)`,
      flag: LEGACY_VALUES_FLAG,
      resolved,
    });
  }
  return blockers;
}
