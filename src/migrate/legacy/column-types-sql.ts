/**
 * Legacy column types converted in place (`programs.duration_hours integer` → numeric(7,2),
 * `grades.score numeric(5,2)` → numeric(6,2), `grades.graded_at date` → timestamptz…), online:
 *
 * - catalogue phase: each column whose type differs from the baseline's is recorded in
 *   `eduzen_upgrade.column_conversions`. A change Postgres makes without a rewrite or a scan
 *   (varchar → text, a numeric precision raised at the same scale, on a column no check reads)
 *   is method `alter`; any other is method `column`: a new column `<column>_upgrade_new` of the
 *   baseline's type (no rewrite), its default, its NOT NULL-to-be as a NOT VALID check, the
 *   baseline's checks written on it, and a trigger (`<table>_upgrade_convert`) that fills it on
 *   every user's write and refuses a value that would not come back equal;
 * - backfill phase: the new columns filled by ranges of heap pages, with the other backfills;
 * - finalize (exclusive, catalogue changes only): the legacy column dropped and the new one
 *   renamed in its place, or the `alter` done. Until then the legacy column keeps its type, its
 *   default and its values, so a rollback (refused once finalize is done) only drops what was
 *   added, and the snapshot's checksums hold on the legacy tables.
 *
 * A date becomes midnight of that day in the organisation's time zone (organizations.timezone,
 * the baseline's default where the legacy table had none; through the formation for sessions,
 * the learner for enrollments); a timestamp without time zone is read in that zone too.
 * `to_new` and `to_old` (expressions of `{v}` for a row aliased `t`) are recorded with each
 * conversion: verify reads every converted value back into its legacy type with `to_old`, and
 * proves it exact (`to_new` of it gives the stored value back).
 */
import { type Kysely, sql } from 'kysely';
import { type Baseline, loadBaseline } from './baseline';
import { quoteLiteral } from './layout';
import { CARRIED_TABLES } from './legacy-shape';
import type { BackfillSpec } from './plan';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

/** The suffix of the column that takes a legacy column's place at the swap. */
export const CONVERSION_SUFFIX = '_upgrade_new';
/** The suffix of the trigger that fills the new columns on users' writes. */
export const CONVERSION_TRIGGER_SUFFIX = '_upgrade_convert';

/** The time zone of an organisation whose legacy table has none: the baseline's default. */
export function defaultTimeZone(baseline: Baseline = loadBaseline()): string {
  const expression = baseline.tables.organizations?.columns.find((column) => column.name === 'timezone')?.default ?? "'Europe/Paris'::text";
  return /^'([^']+)'/.exec(expression)?.[1] ?? 'Europe/Paris';
}

export function columnTypesHelpersSql(): string {
  const zone = quoteLiteral(defaultTimeZone());
  const quoted = (text: string) => text.replace(/'/g, "''");
  // The organisation's time zone for a row aliased t of a carried table, under its upgraded names.
  const zoneOf = (organisation: string) => `coalesce((select o.timezone from public.organizations o where o.id = ${organisation}), ${zone})`;
  const tz = {
    organizations: `coalesce(t.timezone, ${zone})`,
    sessions: zoneOf('(select f.organization_id from public.formations f where f.id = t.formation_id)'),
    enrollments: zoneOf('(select s.organization_id from public.students s where s.id = t.student_id)'),
    other: zoneOf('t.organization_id'),
  };
  return String.raw`
create table if not exists eduzen_upgrade.column_conversions (
  table_name text not null,
  column_name text not null,
  legacy_type text not null,
  -- the legacy type without its modifiers, as verify compares types
  legacy_base text not null,
  target_type text not null,
  method text not null check (method in ('alter', 'column')),
  to_new text not null,
  to_old text not null,
  swapped boolean not null default false,
  recorded_at timestamptz not null default now(),
  primary key (table_name, column_name)
);

create or replace function eduzen_upgrade.conversion_zone_sql(p_table text) returns text
  language sql immutable as $$ select case p_table
    when 'organizations' then '${quoted(tz.organizations)}'
    when 'sessions' then '${quoted(tz.sessions)}'
    when 'enrollments' then '${quoted(tz.enrollments)}'
    else '${quoted(tz.other)}' end $$;

-- The value of the legacy type as the baseline's type, and back ({v}: the value).
create or replace function eduzen_upgrade.conversion_to_new_sql(p_table text, p_legacy_base text, p_target text) returns text
  language sql immutable as $$ select case
    when p_target = 'timestamp with time zone' and p_legacy_base = 'date'
      then '(({v})::timestamp at time zone ' || eduzen_upgrade.conversion_zone_sql(p_table) || ')'
    when p_target = 'timestamp with time zone' and p_legacy_base = 'timestamp without time zone'
      then '(({v}) at time zone ' || eduzen_upgrade.conversion_zone_sql(p_table) || ')'
    else '(({v})::' || p_target || ')' end $$;

create or replace function eduzen_upgrade.conversion_to_old_sql(p_table text, p_legacy_base text, p_legacy text, p_target text) returns text
  language sql immutable as $$ select case
    when p_target = 'timestamp with time zone' and p_legacy_base = 'date'
      then '((({v}) at time zone ' || eduzen_upgrade.conversion_zone_sql(p_table) || ')::date)'
    when p_target = 'timestamp with time zone' and p_legacy_base = 'timestamp without time zone'
      then '(({v}) at time zone ' || eduzen_upgrade.conversion_zone_sql(p_table) || ')'
    else '(({v})::' || p_legacy || ')' end $$;

-- 'alter' when Postgres changes the type in the catalogue alone (no rewrite, and no check to
-- validate again, which would scan the table under the lock); 'column' otherwise.
create or replace function eduzen_upgrade.conversion_method(p_legacy text, p_target text, p_checked boolean) returns text
  language sql immutable as $$ select case
    when p_checked then 'column'
    when p_target = 'text' and p_legacy ~ '^character varying(\(\d+\))?$' then 'alter'
    when p_target = 'numeric' and p_legacy ~ '^numeric(\(\d+,\d+\))?$' then 'alter'
    when p_legacy ~ '^numeric\(\d+,\d+\)$' and p_target ~ '^numeric\(\d+,\d+\)$'
      and (regexp_match(p_legacy, '^numeric\(\d+,(\d+)\)$'))[1] = (regexp_match(p_target, '^numeric\(\d+,(\d+)\)$'))[1]
      and (regexp_match(p_legacy, '^numeric\((\d+),'))[1]::int <= (regexp_match(p_target, '^numeric\((\d+),'))[1]::int then 'alter'
    else 'column' end $$;

-- Catalogue phase, after the renames and before ensure_columns: records the conversions (once,
-- while the legacy columns still have their types), adds the new columns with the baseline's
-- default and NOT NULL-to-be, and the triggers that keep them filled. p_columns: the baseline's
-- columns of the carried tables (table, name, type, def, not_null, checked: a baseline check reads it).
create or replace function eduzen_upgrade.prepare_conversions(p_columns jsonb) returns void
  language plpgsql as $$
declare
  r record;
  v_table text;
  v_body text;
  v_new text;
  v_check text;
begin
  for r in select x.*, format_type(a.atttypid, a.atttypmod) as legacy_type, format_type(a.atttypid, null) as legacy_base,
        exists (select 1 from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'c' and a.attnum = any (k.conkey)) as legacy_checked
      from jsonb_to_recordset(p_columns) as x("table" text, name text, type text, def text, not_null boolean, checked boolean)
      join pg_attribute a on a.attrelid = eduzen_upgrade.rel(x."table") and a.attname = x.name and a.attnum > 0 and not a.attisdropped
      where format_type(a.atttypid, a.atttypmod) <> x.type
        and not exists (select 1 from eduzen_upgrade.column_conversions c where c.table_name = x."table" and c.column_name = x.name) loop
    insert into eduzen_upgrade.column_conversions (table_name, column_name, legacy_type, legacy_base, target_type, method, to_new, to_old)
      values (r."table", r.name, r.legacy_type, r.legacy_base, r.type,
        eduzen_upgrade.conversion_method(r.legacy_type, r.type, r.checked or r.legacy_checked),
        eduzen_upgrade.conversion_to_new_sql(r."table", r.legacy_base, r.type),
        eduzen_upgrade.conversion_to_old_sql(r."table", r.legacy_base, r.legacy_type, r.type));
  end loop;
  for r in select c.*, x.def, x.not_null from eduzen_upgrade.column_conversions c
      join jsonb_to_recordset(p_columns) as x("table" text, name text, type text, def text, not_null boolean, checked boolean)
        on x."table" = c.table_name and x.name = c.column_name
      where c.method = 'column' and not c.swapped and eduzen_upgrade.rel(c.table_name) is not null
      order by c.table_name, c.column_name loop
    v_new := r.column_name || '${CONVERSION_SUFFIX}';
    if not eduzen_upgrade.has_column(r.table_name, v_new) then
      -- Added without a default (no rewrite, even for a volatile one), which is set after.
      execute format('alter table public.%I add column %I %s', r.table_name, v_new, r.target_type);
      if r.def is not null then
        execute format('alter table public.%I alter column %I set default %s', r.table_name, v_new, r.def);
      end if;
    end if;
    v_check := left(r.table_name || '_' || r.column_name, 40) || '_upgrade_not_null';
    if r.not_null and not exists (select 1 from pg_constraint where conrelid = eduzen_upgrade.rel(r.table_name) and conname = v_check) then
      execute format('alter table public.%I add constraint %I check (%I is not null) not valid', r.table_name, v_check, v_new);
    end if;
  end loop;
  for v_table in select distinct c.table_name from eduzen_upgrade.column_conversions c
      where c.method = 'column' and not c.swapped and eduzen_upgrade.rel(c.table_name) is not null order by 1 loop
    select string_agg(format(E'  new.%1$I := %2$s;\n  if new.%3$I is not null and %4$s is distinct from new.%3$I then\n'
        || E'    raise exception ''%5$s.%3$s: %% does not fit %6$s exactly'', new.%3$I using errcode = ''22003'';\n  end if;',
        c.column_name || '${CONVERSION_SUFFIX}',
        regexp_replace(replace(c.to_new, '{v}', format('new.%I', c.column_name)), '\mt\.', 'new.', 'g'),
        c.column_name,
        regexp_replace(replace(c.to_old, '{v}', format('new.%I', c.column_name || '${CONVERSION_SUFFIX}')), '\mt\.', 'new.', 'g'),
        c.table_name, c.target_type), E'\n' order by c.column_name)
      into v_body from eduzen_upgrade.column_conversions c
      where c.table_name = v_table and c.method = 'column' and not c.swapped;
    execute format(E'create or replace function eduzen_upgrade.%I() returns trigger language plpgsql as $convert$\nbegin\n%s\n  return new;\nend $convert$',
      'convert_' || v_table, v_body);
    execute format('create or replace trigger %I before insert or update on public.%I for each row execute function eduzen_upgrade.%I()',
      v_table || '${CONVERSION_TRIGGER_SUFFIX}', v_table, 'convert_' || v_table);
  end loop;
end $$;

-- A baseline check as written on the new columns of the table's pending conversions (the swap
-- renames them, and the check then reads as the baseline's).
create or replace function eduzen_upgrade.conversion_definition(p_table text, p_def text) returns text
  language plpgsql stable as $$
declare
  r record;
  v_def text := p_def;
begin
  if to_regclass('eduzen_upgrade.column_conversions') is null then return p_def; end if;
  for r in select c.column_name from eduzen_upgrade.column_conversions c
      where c.table_name = p_table and c.method = 'column' and not c.swapped
        and eduzen_upgrade.has_column(p_table, c.column_name || '${CONVERSION_SUFFIX}') loop
    v_def := regexp_replace(v_def, '\m' || r.column_name || '\M', r.column_name || '${CONVERSION_SUFFIX}', 'g');
  end loop;
  return v_def;
end $$;

-- The method of a conversion not swapped yet, or null.
create or replace function eduzen_upgrade.pending_conversion(p_table text, p_column text) returns text
  language plpgsql stable as $$
begin
  if to_regclass('eduzen_upgrade.column_conversions') is null then return null; end if;
  return (select c.method from eduzen_upgrade.column_conversions c
    where c.table_name = p_table and c.column_name = p_column and not c.swapped);
end $$;

-- The backfill of the new columns: one assignment per column, for a row aliased t.
create or replace function eduzen_upgrade.conversion_backfills()
  returns table (table_name text, column_name text, new_column text, expression text)
  language sql stable as $$
  select c.table_name, c.column_name, c.column_name || '${CONVERSION_SUFFIX}', replace(c.to_new, '{v}', format('t.%I', c.column_name))
  from eduzen_upgrade.column_conversions c
  where c.method = 'column' and not c.swapped and eduzen_upgrade.has_column(c.table_name, c.column_name || '${CONVERSION_SUFFIX}')
  order by 1, 2 $$;

-- The whole backfill in one statement per table (the SQL-editor script).
create or replace function eduzen_upgrade.backfill_conversions() returns void
  language plpgsql as $$
declare
  r record;
begin
  for r in select b.table_name, string_agg(format('%I = %s', b.new_column, b.expression), ', ') as assignments,
        string_agg(format('(t.%I is not null and t.%I is null)', b.column_name, b.new_column), ' or ') as pending
      from eduzen_upgrade.conversion_backfills() b group by b.table_name order by 1 loop
    execute format('update public.%I t set %s where %s', r.table_name, r.assignments, r.pending);
  end loop;
end $$;

-- Finalize, under its lock: each new column takes the legacy one's place (drop, rename: no
-- rewrite, no scan), or the type changes in the catalogue alone. The NOT NULL-to-be checks,
-- validated, follow the renamed columns; promote_not_null turns them into NOT NULL.
create or replace function eduzen_upgrade.swap_conversions() returns void
  language plpgsql as $$
declare
  r record;
begin
  if to_regclass('eduzen_upgrade.column_conversions') is null then return; end if;
  for r in select c.* from eduzen_upgrade.column_conversions c where not c.swapped order by c.table_name, c.column_name loop
    if eduzen_upgrade.rel(r.table_name) is null then continue; end if;
    if r.method = 'column' then
      execute format('drop trigger if exists %I on public.%I', r.table_name || '${CONVERSION_TRIGGER_SUFFIX}', r.table_name);
      if eduzen_upgrade.has_column(r.table_name, r.column_name || '${CONVERSION_SUFFIX}') then
        execute format('alter table public.%I drop column %I', r.table_name, r.column_name);
        execute format('alter table public.%I rename column %I to %I', r.table_name, r.column_name || '${CONVERSION_SUFFIX}', r.column_name);
      end if;
    else
      execute format('alter table public.%I alter column %I type %s', r.table_name, r.column_name, r.target_type);
    end if;
    update eduzen_upgrade.column_conversions set swapped = true where table_name = r.table_name and column_name = r.column_name;
  end loop;
end $$;

-- Verify: a converted value that is not the image of a legacy value.
create or replace function eduzen_upgrade.not_a_legacy_value(p_what text, p_type anyelement) returns anyelement
  language plpgsql as $$
begin
  raise exception '% is not a value of its legacy type: the upgrade changed it', p_what;
end $$;
`;
}

/** The baseline's columns of the carried tables, as prepare_conversions takes them. */
export function prepareConversionsSql(baseline: Baseline = loadBaseline()): string {
  const columns = CARRIED_TABLES.flatMap((table) => {
    const shape = baseline.tables[table]!;
    const checks = shape.constraints.filter((constraint) => constraint.kind === 'c').map((constraint) => constraint.definition);
    return shape.columns.map((column) => ({
      table, name: column.name, type: column.type, def: column.default, not_null: column.notNull,
      checked: checks.some((definition) => new RegExp(`\\b${column.name}\\b`).test(definition)),
    }));
  });
  return `select eduzen_upgrade.prepare_conversions(${quoteLiteral(JSON.stringify(columns))}::jsonb)`;
}

export const SWAP_CONVERSIONS_SQL = 'select eduzen_upgrade.swap_conversions()';

/**
 * The backfill step of the conversions: which columns it fills is read from the database when it
 * runs (conversionBackfillSpecs), since the plan is written before the catalogue phase records them.
 */
export const CONVERSION_BACKFILL: BackfillSpec = {
  table: 'tables with columns of legacy types',
  from: 'eduzen_upgrade.column_conversions c',
  where: "c.method = 'column'",
  assignments: { '<column>_upgrade_new': '<column> as the baseline type' },
  conversions: true,
};

export const BACKFILL_CONVERSIONS_SQL = 'select eduzen_upgrade.backfill_conversions()';

/** One backfill per table with new columns to fill (none before the catalogue phase, or after the swap). */
export async function conversionBackfillSpecs(db: AnyDb): Promise<BackfillSpec[]> {
  const present = await sql<{ present: boolean }>`select to_regprocedure('eduzen_upgrade.conversion_backfills()') is not null as present`.execute(db);
  if (!present.rows[0]?.present) return [];
  const rows = (await sql<{ table: string; column: string; newColumn: string; expression: string }>`
    select table_name as "table", column_name as "column", new_column as "newColumn", expression from eduzen_upgrade.conversion_backfills()`.execute(db)).rows;
  const tables = [...new Set(rows.map((row) => row.table))];
  return tables.map((table) => {
    const columns = rows.filter((row) => row.table === table);
    return {
      table,
      from: '(values (1)) eduzen_none (one)',
      where: 'true',
      assignments: Object.fromEntries(columns.map((row) => [row.newColumn, row.expression])),
      pending: `(${columns.map((row) => `(t.${row.column} is not null and t.${row.newColumn} is null)`).join(' or ')})`,
    };
  });
}

export type SwappedConversion = { column: string; legacyType: string; legacyBase: string; toNew: string; toOld: string };

/** The conversions done on a table (verify reads those columns back into their legacy types). */
export async function swappedConversions(db: AnyDb, table: string): Promise<SwappedConversion[]> {
  const present = await sql<{ present: boolean }>`select to_regclass('eduzen_upgrade.column_conversions') is not null as present`.execute(db);
  if (!present.rows[0]?.present) return [];
  return (await sql<SwappedConversion>`
    select column_name as "column", legacy_type as "legacyType", legacy_base as "legacyBase", to_new as "toNew", to_old as "toOld"
    from eduzen_upgrade.column_conversions where table_name = ${table} and swapped order by column_name`.execute(db)).rows;
}

/**
 * A converted column of a row aliased t, read back as its legacy value; a value that is not the
 * image of one (the conversion of the value read back is not the stored value) stops the checksum.
 */
export function legacyValueSql(table: string, conversion: SwappedConversion, reference: string): string {
  const back = conversion.toOld.replaceAll('{v}', reference);
  const again = conversion.toNew.replaceAll('{v}', back);
  const what = quoteLiteral(`${table}.${conversion.column}`);
  return `case when ${again} is not distinct from ${reference} then ${back}
    else eduzen_upgrade.not_a_legacy_value(${what} || ' of row ' || t.id::text, null::${conversion.legacyType}) end`;
}
