/**
 * The upgrade as an ordered list of steps. The CLI runs them (with lock timeouts, batches,
 * CONCURRENTLY, checkpoints and progress); `--dry-run` prints them; `--emit-sql` writes the same
 * list as one script. Every step is idempotent, so a re-run after a kill resumes where it stopped.
 */
import { readMigrationFiles } from '../runner';
import { splitStatements } from '../split-statements';
import { BASELINE_VERSIONS, readBaselineFiles } from './baseline';
import { type LegacyLayout, repairedLayout } from './layout';
import type { Remedies } from './preflight';
import { remedySql } from './remedies';
import { ATTENDANCE_HALF_DAY_BACKFILL, SESSION_HOURS_BACKFILL } from './session-hours';
import { SNAPSHOT_SQL } from './snapshot';
import { CARRIED_TABLES } from './legacy-shape';
import { HELPERS_SQL } from './sql-helpers';
import { BACKFILL_CONVERSIONS_SQL, CONVERSION_BACKFILL, SWAP_CONVERSIONS_SQL, columnTypesHelpersSql, prepareConversionsSql } from './column-types-sql';
import { LEGACY_CATALOGUE_SQL, RECORD_LEGACY_CATALOGUE_SQL, RECORD_PRIOR_STATE_SQL } from './legacy-catalogue';
import { EARLY_NEW_TABLES, type IndexBuild, LOCKED_TABLES, VALIDATE_ALL_SQL, attachSql, retireUniqueSql, catalogueSql, finalizeSql, functionsSql, indexBuilds, newTableSql } from './target-sql';

export type Phase =
  | 'prepare' | 'repair' | 'remedies' | 'snapshot' | 'catalogue' | 'backfill'
  | 'indexes' | 'retire' | 'attach' | 'validate' | 'functions' | 'finalize' | 'migrate';

export type BackfillSpec = {
  table: string; from: string; where: string; assignments: Record<string, string>;
  /** Names its fill-on-write trigger and function when a table has more than one spec (default: the table). */
  name?: string;
  /** The columns hold a value already (a default) that the backfill replaces: no coalesce. */
  overwrite?: boolean;
  /** False: no trigger fills the columns on users' writes meanwhile (nothing a user writes can break them). */
  fillOnWrite?: false;
  /** The rows left to fill (default: any of the assigned columns empty). */
  pending?: string;
  /** The conversions of legacy column types: its tables and columns are read when it runs (column-types-sql.ts). */
  conversions?: boolean;
};

export type UpgradeStep =
  | {
      phase: Phase; kind: 'transaction'; summary: string; exclusive: boolean; statements: string[];
      /** The tables an exclusive step locks (default: all the upgrade's tables). */
      lockTables?: string[];
      /** A query returning `needed`: when false, the step is skipped and takes no lock. */
      needed?: string;
    }
  | { phase: 'backfill'; kind: 'backfill'; summary: string; backfill: BackfillSpec }
  | { phase: 'indexes'; kind: 'index'; summary: string; index: IndexBuild }
  | { phase: 'validate'; kind: 'validate'; summary: string; statements: string[] }
  | { phase: 'migrate'; kind: 'migrate'; summary: string };

export const BACKFILL_SPECS: BackfillSpec[] = [
  { table: 'sessions', from: 'public.formations f', where: 'f.id = t.formation_id', assignments: { organization_id: 'f.organization_id' } },
  {
    table: 'enrollments',
    from: 'public.students s',
    where: 's.id = t.student_id',
    assignments: { organization_id: 's.organization_id', enrolled_at: 't.created_at' },
  },
  SESSION_HOURS_BACKFILL,
  ATTENDANCE_HALF_DAY_BACKFILL,
];

const FILLED_ON_WRITE = BACKFILL_SPECS.filter((spec) => spec.fillOnWrite !== false);

export function backfillSetSql(spec: BackfillSpec): { set: string; pending: string } {
  const columns = Object.keys(spec.assignments);
  return {
    set: columns.map((column) => (spec.overwrite ? `${column} = ${spec.assignments[column]}` : `${column} = coalesce(t.${column}, ${spec.assignments[column]})`)).join(', '),
    pending: spec.pending ?? `(${columns.map((column) => `t.${column} is null`).join(' or ')})`,
  };
}

/**
 * While the backfill runs, users go on writing: a row they update before its batch came, or a
 * row they insert with the legacy application (which knows nothing of the new columns), would
 * break the NOT NULL-to-be checks the catalogue phase adds. A trigger fills the new columns of
 * every such row from the row itself, as the backfill would (pgroll's "up" functions), so no
 * user's write is refused because of the upgrade's intermediate state. The function is created
 * before any lock (plpgsql resolves columns when it runs), the trigger with the columns in the
 * catalogue phase (a WHEN clause keeps it off the rows that need nothing, the backfill's own
 * included), and finalize drops it once the columns are NOT NULL.
 */
const fillName = (spec: BackfillSpec) => spec.name ?? spec.table;

export function fillTriggerName(spec: BackfillSpec): string {
  return `${fillName(spec)}_upgrade_fill`;
}

export function fillOnWriteFunctionSql(spec: BackfillSpec): string {
  const alias = spec.from.trim().split(/\s+/).pop()!;
  const onNew = (expression: string) => expression.replace(/\bt\./g, 'new.');
  const fills = Object.entries(spec.assignments).map(([column, expression]) => (
    new RegExp(`\\b${alias}\\.`).test(expression)
      ? `  if new.${column} is null then\n    select ${expression} into new.${column} from ${spec.from} where ${onNew(spec.where)};\n  end if;`
      : spec.overwrite ? `  new.${column} := ${onNew(expression)};` : `  new.${column} := coalesce(new.${column}, ${onNew(expression)});`
  ));
  return `create or replace function eduzen_upgrade.fill_${fillName(spec)}() returns trigger
  language plpgsql as $$
begin
${fills.join('\n')}
  return new;
end $$`;
}

export function fillOnWriteTriggerSql(spec: BackfillSpec): string {
  const pending = spec.overwrite && spec.pending
    ? spec.pending.replace(/\bt\./g, 'new.')
    : Object.keys(spec.assignments).map((column) => `new.${column} is null`).join(' or ');
  return `create or replace trigger ${fillTriggerName(spec)} before insert or update on public.${spec.table}
  for each row when (${pending}) execute function eduzen_upgrade.fill_${fillName(spec)}()`;
}

export function dropFillOnWriteSql(spec: BackfillSpec): string {
  return `drop trigger if exists ${fillTriggerName(spec)} on public.${spec.table}`;
}

/** The whole backfill as one statement, for the SQL script and small databases. */
export function backfillAllSql(spec: BackfillSpec): string {
  if (spec.conversions) return BACKFILL_CONVERSIONS_SQL;
  const { set, pending } = backfillSetSql(spec);
  return `update public.${spec.table} t set ${set} from ${spec.from} where ${spec.where} and ${pending}`;
}

/**
 * One batch: the rows stored in heap pages [`from`, `to`) (a TID range scan reads just those
 * pages; `to` null = to the end of the table), every new column of the row set in one UPDATE.
 */
export function backfillRangeSql(spec: BackfillSpec, from: number, to: number | null): string {
  const { set, pending } = backfillSetSql(spec);
  const range = `t.ctid >= '(${from},0)'::tid${to === null ? '' : ` and t.ctid < '(${to},0)'::tid`}`;
  return `with updated as (update public.${spec.table} t set ${set} from ${spec.from}
      where ${range} and ${spec.where} and ${pending} returning 1)
    select count(*)::int as updated from updated`;
}

export function prepareSql(): string[] {
  const shim = readBaselineFiles().find((file) => file.version === BASELINE_VERSIONS[0])!;
  // The database as found is recorded before the shim or anything else is created (a rollback reads it).
  return [...splitStatements(HELPERS_SQL), ...splitStatements(LEGACY_CATALOGUE_SQL), { text: RECORD_PRIOR_STATE_SQL }, ...splitStatements(columnTypesHelpersSql()), ...splitStatements(shim.sql)]
    .map((statement) => statement.text);
}

/** The condition `scriptFinished` (layout.ts) tests, in SQL. */
const SCRIPT_FINISHED_SQL = `to_regclass('public.program_sessions') is null and coalesce(eduzen_upgrade.has_column('sessions_temp', 'program_id'), false)
     and coalesce(eduzen_upgrade.has_column('sessions', 'formation_id'), false) and not coalesce(eduzen_upgrade.has_column('sessions', 'organization_id'), true)
     and coalesce(eduzen_upgrade.has_column('formations', 'duration_hours'), false)`;

export const REPAIR_SQL = `do $$
declare
  r record;
  v_columns text[];
begin
  -- The old script ran to the end. formations and sessions hold the live rows (they may have
  -- changed since); sessions_temp adds what the script lost: the sessions its inner join left
  -- out and the columns it did not copy. Back under the legacy names, the upgrade goes on as
  -- from any legacy database; formations_temp and sessions_temp stay for db cleanup.
  if ${SCRIPT_FINISHED_SQL} then
    if to_regclass('public.programs') is not null then
      if exists (select 1 from public.programs) then
        raise exception 'the programs table made by the old script has rows: move them aside by hand, then re-run';
      end if;
      drop table public.programs cascade;
    end if;
    -- formations_temp is the legacy programs table, under its old constraint and index names,
    -- which the product's new programs table needs: the leftover takes its own name.
    perform eduzen_upgrade.rename_prefixed('formations_temp', 'programs');
    -- The script's copy has no column defaults: the legacy ones, which rows added before the
    -- catalogue phase rely on (a remedy's placeholder formation), come from formations_temp.
    for r in select a.attname, pg_get_expr(d.adbin, d.adrelid) as expression from pg_attribute a
        join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = 'public.formations_temp'::regclass and a.attnum > 0 and not a.attisdropped
          and eduzen_upgrade.has_column('formations', a.attname)
          and not exists (select 1 from pg_attrdef f join pg_attribute b on b.attrelid = f.adrelid and b.attnum = f.adnum
            where f.adrelid = 'public.formations'::regclass and b.attname = a.attname) loop
      execute format('alter table public.formations alter column %I set default %s', r.attname, r.expression);
    end loop;
    alter table public.formations rename to programs;
    -- The script's updated_at trigger would stamp every session the columns below are filled in
    -- (the catalogue phase drops such triggers anyway; finalize installs the product's).
    perform eduzen_upgrade.drop_legacy_triggers('sessions', 'update_updated_at_column');
    alter table public.sessions rename column formation_id to program_id;
    -- The columns its copy lost are added here (no rewrite); their values, and the sessions it
    -- left out, are carried back by the next phase, outside this lock (carry_back).
    select coalesce(array_agg(a.attname::text order by a.attnum), '{}') into v_columns from pg_attribute a
      where a.attrelid = 'public.sessions_temp'::regclass and a.attnum > 0 and not a.attisdropped
        and not eduzen_upgrade.has_column('sessions', a.attname);
    for r in select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
        where a.attrelid = 'public.sessions_temp'::regclass and a.attname = any (v_columns::name[]) order by a.attnum loop
      execute format('alter table public.sessions add column %I %s', r.attname, r.type);
    end loop;
    alter table public.sessions rename to program_sessions;
    insert into eduzen_upgrade.carry_back (source, target, columns) values ('sessions_temp', 'program_sessions', v_columns::text[])
      on conflict (source) do update set target = excluded.target, columns = excluded.columns, done = false;
  end if;
  -- The old script moved the legacy programs to formations_temp and created an empty new one.
  if to_regclass('public.program_sessions') is not null and eduzen_upgrade.has_column('formations_temp', 'duration_hours')
     and not coalesce(eduzen_upgrade.has_column('programs', 'duration_hours'), false) then
    if to_regclass('public.formations') is not null then
      perform eduzen_upgrade.carry_rows('formations', 'formations_temp', '{}');
      drop table public.formations cascade;
    end if;
    if to_regclass('public.programs') is not null then
      if exists (select 1 from public.programs) then
        raise exception 'the new programs table left by the old script has rows: move them aside by hand, then re-run';
      end if;
      drop table public.programs cascade;
    end if;
    alter table public.formations_temp rename to programs;
  end if;
  -- A partial copy of programs into formations, next to the legacy programs.
  if to_regclass('public.program_sessions') is not null and to_regclass('public.formations') is not null
     and eduzen_upgrade.has_column('programs', 'duration_hours') then
    perform eduzen_upgrade.carry_rows('formations', 'programs', '{}');
    drop table public.formations cascade;
  end if;
  -- A partial copy of program_sessions into sessions (through an inner join).
  if to_regclass('public.program_sessions') is not null and to_regclass('public.sessions') is not null then
    perform eduzen_upgrade.carry_rows('sessions', 'program_sessions', '{"formation_id": "program_id"}');
    drop table public.sessions cascade;
  end if;
end
$$`;

/**
 * After a repair of a database the old script ran to the end, outside the exclusive lock: the
 * values of the columns its copy lost (only where still empty), and the sessions it left out.
 * Row-level writes only; done once (a re-run after a kill does it again, to the same effect).
 */
export const CARRY_BACK_SQL = `do $$
declare
  r record;
  v_column text;
  v_all text;
begin
  for r in select * from eduzen_upgrade.carry_back where not done loop
    foreach v_column in array r.columns loop
      execute format('update public.%I s set %I = t.%I from public.%I t where t.id = s.id and s.%I is null and t.%I is not null',
        r.target, v_column, v_column, r.source, v_column, v_column);
    end loop;
    select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_all from pg_attribute a
      where a.attrelid = eduzen_upgrade.rel(r.source) and a.attnum > 0 and not a.attisdropped;
    execute format('insert into public.%I (%s) select %s from public.%I t where not exists (select 1 from public.%I s where s.id = t.id)',
      r.target, v_all, v_all, r.source, r.target);
    update eduzen_upgrade.carry_back set done = true where source = r.source;
  end loop;
end
$$`;

/** Whether the repair phase has anything to do (otherwise it runs without taking the locks). */
export const REPAIR_NEEDED_SQL = `select (${SCRIPT_FINISHED_SQL}) or to_regclass('public.program_sessions') is not null and (
    (eduzen_upgrade.has_column('formations_temp', 'duration_hours') and not coalesce(eduzen_upgrade.has_column('programs', 'duration_hours'), false))
    or (to_regclass('public.formations') is not null and coalesce(eduzen_upgrade.has_column('programs', 'duration_hours'), false))
    or to_regclass('public.sessions') is not null) as needed`;

export function historySql(): string[] {
  const files = readBaselineFiles();
  const dollar = (text: string) => `$eduzen_statement$${text}$eduzen_statement$`;
  return [
    'create schema if not exists supabase_migrations',
    `create table if not exists supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text)`,
    `alter table supabase_migrations.schema_migrations
      add column if not exists checksum text, add column if not exists applied_at timestamptz default now()`,
    ...files.map(
      (file) =>
        `insert into supabase_migrations.schema_migrations (version, name, statements, checksum, applied_at)
          values ('${file.version}', '${file.name}', array[${splitStatements(file.sql).map((statement) => dollar(statement.text)).join(', ')}]::text[], '${file.checksum}', now())
          on conflict (version) do nothing`,
    ),
  ];
}

/** Autovacuum stays off on the upgrade's tables from the prepare phase until the end of the run. */
// formations_temp: where the old script may have moved the legacy programs (repair renames them back).
export const PAUSE_AUTOVACUUM_SQL = `select eduzen_upgrade.pause_autovacuum(array[${[...LOCKED_TABLES, 'formations_temp'].map((table) => `'${table}'`).join(', ')}])`;
export const RESUME_AUTOVACUUM_SQL = 'select eduzen_upgrade.resume_autovacuum()';

/**
 * The catalogue phase with the conversions of legacy column types recorded, and their new
 * columns added, after the renames and before the columns and checks are aligned (which then
 * leave the legacy columns of another type alone and write the checks on the new ones).
 */
function withConversions(statements: string[]): string[] {
  const at = statements.findIndex((statement) => statement.startsWith('select eduzen_upgrade.ensure_columns('));
  return [...statements.slice(0, at), prepareConversionsSql(), ...statements.slice(at)];
}

export type PlanOptions = { layout: LegacyLayout | null; remedies: Remedies };

export function buildPlan(options: PlanOptions): UpgradeStep[] {
  // Remedies run after the repair phase, which puts the legacy programs back under their name.
  const repaired = options.layout && repairedLayout(options.layout);
  const remedies = repaired ? remedySql(repaired, options.remedies) : [];
  const start = `insert into eduzen_upgrade.run (options) select ${`'${JSON.stringify(options.remedies).replace(/'/g, "''")}'`}::jsonb
    where not exists (select 1 from eduzen_upgrade.run where finished_at is null)`;
  const clearError = 'update eduzen_upgrade.run set last_error = null where finished_at is null';
  return [
    { phase: 'prepare', kind: 'transaction', exclusive: false, summary: 'install the upgrade helpers and the auth shim where missing; pause autovacuum on the upgraded tables; create change_log', statements: [...prepareSql(), start, clearError, PAUSE_AUTOVACUUM_SQL, ...EARLY_NEW_TABLES.flatMap((table) => newTableSql(table)), ...FILLED_ON_WRITE.map(fillOnWriteFunctionSql)] },
    { phase: 'repair', kind: 'transaction', exclusive: true, summary: "carry back the old script's partial copies and undo its empty new programs, or, if it ran to the end, take back from sessions_temp what it lost", statements: [REPAIR_SQL] },
    { phase: 'remedies', kind: 'transaction', exclusive: false, summary: 'carry back what the old script lost, if it ran to the end; apply the remedies chosen for the blockers', statements: [CARRY_BACK_SQL, ...remedies] },
    { phase: 'snapshot', kind: 'transaction', exclusive: false, summary: 'record row counts and content checksums of the legacy tables, and their catalogue (what a rollback gives back)', statements: [SNAPSHOT_SQL, RECORD_LEGACY_CATALOGUE_SQL, "select eduzen_upgrade.set_phase('snapshot')"] },
    { phase: 'catalogue', kind: 'transaction', exclusive: true, summary: 'rename in place, create programs, add columns and NOT VALID checks (and the triggers that fill them on users\' writes), align names', statements: [...withConversions(catalogueSql()), ...FILLED_ON_WRITE.map(fillOnWriteTriggerSql), "select eduzen_upgrade.set_phase('catalogue')"] },
    ...BACKFILL_SPECS.map((backfill): UpgradeStep => ({
      phase: 'backfill', kind: 'backfill', summary: `fill ${Object.keys(backfill.assignments).join(', ')} of ${backfill.table} in batches`, backfill,
    })),
    { phase: 'backfill', kind: 'backfill', summary: 'fill the new columns of the columns of legacy types in batches', backfill: CONVERSION_BACKFILL },
    ...indexBuilds().map((index): UpgradeStep => ({ phase: 'indexes', kind: 'index', summary: `build ${index.name}`, index })),
    ...CARRIED_TABLES.map((table): UpgradeStep => {
      const retire = retireUniqueSql(table);
      return {
        phase: 'retire', kind: 'transaction', exclusive: true, lockTables: [table], needed: retire.needed,
        summary: `drop the legacy unique constraints the baseline's unique indexes replace, one table per transaction`, statements: [retire.statement],
      };
    }),
    { phase: 'attach', kind: 'transaction', exclusive: true, summary: 'attach unique constraints to their indexes, add foreign keys NOT VALID', statements: [...attachSql(), "select eduzen_upgrade.set_phase('attach')"] },
    { phase: 'validate', kind: 'validate', summary: 'validate every NOT VALID constraint (reads and writes go on)', statements: [VALIDATE_ALL_SQL] },
    { phase: 'functions', kind: 'transaction', exclusive: false, summary: 'create or replace the baseline functions and their grants (no table lock)', statements: functionsSql() },
    {
      phase: 'finalize', kind: 'transaction', exclusive: true,
      summary: 'turn validated checks into NOT NULL without a scan; replace superseded constraints, indexes, triggers and policies; RLS, grants; record the baseline in the history',
      statements: [SWAP_CONVERSIONS_SQL, 'select eduzen_upgrade.promote_not_null()', ...FILLED_ON_WRITE.map(dropFillOnWriteSql), ...finalizeSql(), ...historySql(), "select eduzen_upgrade.set_phase('finalize')",
        'update eduzen_upgrade.run set finished_at = now() where finished_at is null'],
    },
    { phase: 'migrate', kind: 'migrate', summary: `apply later product migrations (${readMigrationFiles().length - BASELINE_VERSIONS.length} now); give autovacuum back to the tables` },
  ];
}
