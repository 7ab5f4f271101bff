/**
 * The catalogue, attach and finalize SQL, generated from the baseline (baseline-schema.json and
 * the statements of the three baseline migration files): every name, definition, function,
 * trigger, policy and grant is the one a fresh install has.
 */
import { type Baseline, baselineStatements, findBaselineStatement, loadBaseline } from './baseline';
import { quoteLiteral } from './layout';
import {
  CARRIED_TABLES,
  COLUMN_RENAMES,
  LEGACY_INDEXES,
  LEGACY_POLICY_TABLES,
  LEGACY_TRIGGER_FUNCTION,
  TABLE_RENAMES,
  legacyNameOf,
  legacyPolicyNames,
} from './legacy-shape';
import { isVolatileDefault } from './projection';

const literal = (value: string | null) => (value === null ? 'null' : quoteLiteral(value));
const jsonLiteral = (value: unknown) => `${quoteLiteral(JSON.stringify(value))}::jsonb`;
const normaliseIndex = (definition: string) => definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, 'CREATE $1INDEX ON ');
/**
 * Tables a legacy database lacks. `programs` takes the name the legacy formations leave, so it is
 * created in the catalogue phase; `change_log` has no legacy counterpart and is created before
 * any exclusive lock (its foreign key holds a write-blocking lock on `organizations` for the
 * few milliseconds of the CREATE only).
 */
const CATALOGUE_NEW_TABLES = ['programs'];
export const EARLY_NEW_TABLES = ['change_log'];

export function newTableSql(table: string, baseline: Baseline = loadBaseline()): string[] {
  return [
    findBaselineStatement(`create table public.${table} (`).replace(/^create table /i, 'create table if not exists '),
    ...baseline.tables[table]!.indexes.filter((entry) => !entry.constraint).map((index) => index.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')),
  ];
}

/** Tables the upgrade locks, parents first, so that it never deadlocks with itself. */
export const LOCKED_TABLES = ['organizations', 'users', 'students', 'programs', 'formations', 'program_sessions', 'sessions', 'enrollments', 'attendance', 'grades'];

/** All the upgrade's tables in one statement, failing at once if any is busy. */
export function lockTablesNowaitSql(existing: string[], tables: readonly string[] = LOCKED_TABLES): string {
  return `lock table ${tables.filter((table) => existing.includes(table)).map((table) => `public.${table}`).join(', ')} in access exclusive mode nowait`;
}

export function lockTablesSql(tables: readonly string[] = LOCKED_TABLES): string {
  return `do $$
declare
  v_table text;
begin
  foreach v_table in array array[${tables.map(quoteLiteral).join(', ')}] loop
    if to_regclass('public.' || v_table) is not null then
      execute format('lock table public.%I in access exclusive mode', v_table);
    end if;
  end loop;
end
$$`;
}

export function catalogueSql(baseline: Baseline = loadBaseline()): string[] {
  const statements: string[] = [];
  for (const rename of TABLE_RENAMES) statements.push(`select eduzen_upgrade.rename_table('${rename.from}', '${rename.to}')`);
  for (const rename of COLUMN_RENAMES) statements.push(`select eduzen_upgrade.rename_column('${rename.table}', '${rename.from}', '${rename.to}')`);
  for (const table of CARRIED_TABLES) statements.push(`select eduzen_upgrade.drop_legacy_triggers('${table}', '${LEGACY_TRIGGER_FUNCTION}')`);
  for (const table of CARRIED_TABLES) {
    const shape = baseline.tables[table]!;
    const constraints = shape.constraints.map((constraint, ord) => ({ name: constraint.name, def: constraint.definition, ord }));
    statements.push(`select eduzen_upgrade.name_constraints('${table}', ${jsonLiteral(constraints)})`);
    const indexes = shape.indexes.filter((entry) => !entry.constraint).map((index, ord) => ({ name: index.name, def: normaliseIndex(index.definition), ord }));
    statements.push(`select eduzen_upgrade.name_indexes('${table}', ${jsonLiteral(indexes)})`);
  }
  for (const rename of TABLE_RENAMES) statements.push(`select eduzen_upgrade.rename_prefixed('${rename.to}', '${rename.from}')`);
  for (const table of CATALOGUE_NEW_TABLES) statements.push(...newTableSql(table, baseline));
  for (const table of CARRIED_TABLES) {
    const columns = baseline.tables[table]!.columns.map((column, ord) => ({
      name: column.name, type: column.type, def: column.default, not_null: column.notNull, volatile: isVolatileDefault(column.default), ord,
    }));
    statements.push(`select eduzen_upgrade.ensure_columns('${table}', ${jsonLiteral(columns)})`);
  }
  for (const table of CARRIED_TABLES) {
    const checks = baseline.tables[table]!.constraints.filter((entry) => entry.kind === 'c').map((constraint, ord) => ({ name: constraint.name, def: constraint.definition, ord }));
    statements.push(`select eduzen_upgrade.add_constraints('${table}', ${jsonLiteral(checks)})`);
  }
  return statements;
}

export type IndexBuild = { table: string; name: string; definition: string };

/** Baseline indexes (unique-constraint ones included) that a legacy database may lack. */
export function indexBuilds(baseline: Baseline = loadBaseline()): IndexBuild[] {
  return CARRIED_TABLES.flatMap((table) =>
    baseline.tables[table]!.indexes.filter((index) => !index.definition.includes('_pkey ON ')).map((index) => ({ table, name: index.name, definition: index.definition })),
  );
}

export function attachSql(baseline: Baseline = loadBaseline()): string[] {
  const statements: string[] = [];
  for (const table of CARRIED_TABLES) {
    for (const constraint of baseline.tables[table]!.constraints.filter((entry) => entry.kind === 'u')) {
      const columns = constraint.definition.replace(/^UNIQUE /, '');
      statements.push(`select eduzen_upgrade.attach_unique('${table}', '${constraint.name}', ${literal(columns)})`);
    }
  }
  for (const table of CARRIED_TABLES) {
    const keys = baseline.tables[table]!.constraints.filter((entry) => entry.kind === 'f').map((constraint, ord) => ({ name: constraint.name, def: constraint.definition, ord }));
    if (keys.length > 0) statements.push(`select eduzen_upgrade.add_constraints('${table}', ${jsonLiteral(keys)})`);
  }
  return statements;
}

/**
 * Tables whose legacy unique constraints the baseline replaces by others (a different key): once
 * the baseline's unique indexes of the table are built and valid, which enforce its keys already,
 * the legacy ones are dropped, one table per transaction. Dropping a constraint drops its index,
 * whose file is removed at commit (≈70 MB each at the benchmark's large size): done here, that
 * commit holds one table's lock, not the finalize phase's lock on every table. Nothing is locked
 * on a table that has no such constraint (`needed`).
 */
export function retireUniqueSql(table: string, baseline: Baseline = loadBaseline()): { needed: string; statement: string } {
  const shape = baseline.tables[table]!;
  const keep = shape.constraints.map((constraint) => quoteLiteral(constraint.name)).join(', ');
  const columns = shape.columns.map((column) => quoteLiteral(column.name)).join(', ');
  const uniqueIndexes = shape.indexes.filter((index) => /^CREATE UNIQUE INDEX /.test(index.definition)).map((index) => index.name);
  const ready = `(select count(*) from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
      where n.nspname = 'public' and x.indrelid = eduzen_upgrade.rel('${table}') and x.indisvalid
        and i.relname = any (array[${uniqueIndexes.map(quoteLiteral).join(', ')}]::text[])) = ${uniqueIndexes.length}`;
  const superseded = `select k.conname from pg_constraint k
      where k.conrelid = eduzen_upgrade.rel('${table}') and k.contype = 'u'
        and not (k.conname = any (array[${keep}]))
        and not exists (select 1 from pg_attribute a
          where a.attrelid = k.conrelid and a.attnum = any (k.conkey) and not (a.attname = any (array[${columns}])))`;
  return {
    needed: `select eduzen_upgrade.rel('${table}') is not null and ${ready} and exists (${superseded}) as needed`,
    statement: `do $$
declare
  r record;
begin
  -- Only once every unique index of the baseline on the table exists and is valid.
  if eduzen_upgrade.rel('${table}') is null or not ${ready} then
    return;
  end if;
  for r in ${superseded} loop
    execute format('alter table public.%I drop constraint %I', '${table}', r.conname);
  end loop;
end
$$`,
  };
}

/** Validates every NOT VALID constraint on the product tables (one transaction; the CLI does them one by one). */
export const VALIDATE_ALL_SQL = `do $$
declare
  r record;
begin
  for r in select c.relname as tbl, k.conname from pg_constraint k join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and not k.convalidated
        and c.relname = any (array[${CARRIED_TABLES.map(quoteLiteral).join(', ')}]) loop
    execute format('alter table public.%I validate constraint %I', r.tbl, r.conname);
  end loop;
end
$$`;

/** Baseline statements that take no lock on a table: functions and their grants. */
function isLockFree(head: string): boolean {
  return /^create (or replace )?function /.test(head) || /^(grant|revoke) (all|execute) on function /.test(head) || /^comment on function /.test(head);
}

function baselineHead(statement: string): string {
  return statement.replace(/--[^\n]*\n/g, '').trim().toLowerCase();
}

function finalizedStatements(): { head: string; statement: string }[] {
  return baselineStatements()
    .map((statement) => ({ head: baselineHead(statement), statement }))
    .filter(({ head }) => !(head.startsWith('create table') || head.startsWith('create index') || head.startsWith('create schema') || head.startsWith('do ')))
    .filter(({ head }) => !/^grant usage on schema/.test(head));
}

/**
 * The baseline's functions and their grants, run before the finalize lock is taken: CREATE OR
 * REPLACE FUNCTION and GRANT … ON FUNCTION lock no table, so they need not hold up traffic.
 */
export function functionsSql(): string[] {
  return finalizedStatements().filter(({ head }) => isLockFree(head)).map(({ statement }) => statement);
}

/**
 * What the finalize phase does under its exclusive lock, in as few statements as possible: the
 * lookups of what to drop (legacy policies, earlier copies of the baseline's triggers and
 * policies) are one catalogue query each instead of one statement per name.
 */
export function finalizeSql(baseline: Baseline = loadBaseline()): string[] {
  const statements: string[] = [];
  const productTables = Object.keys(baseline.tables);
  for (const table of CARRIED_TABLES) {
    const shape = baseline.tables[table]!;
    const keep = shape.constraints.map((constraint) => quoteLiteral(constraint.name)).join(', ');
    const columns = shape.columns.map((column) => quoteLiteral(column.name)).join(', ');
    statements.push(`select eduzen_upgrade.drop_superseded_constraints('${table}', array[${keep}], array[${columns}])`);
  }
  statements.push(`drop index if exists ${LEGACY_INDEXES.map((index) => `public.${index}`).join(', ')}`);
  const rest = finalizedStatements().filter(({ head }) => !isLockFree(head));
  const policies: [string, string][] = [];
  for (const legacyTable of LEGACY_POLICY_TABLES) {
    const table = TABLE_RENAMES.find((rename) => rename.from === legacyTable)?.to ?? legacyTable;
    for (const name of legacyPolicyNames(legacyTable)) policies.push([table, name]);
  }
  const triggers: [string, string][] = [];
  for (const { head } of rest) {
    const trigger = /^create trigger (\w+) .* on public\.(\w+)/s.exec(head);
    if (trigger) triggers.push([trigger[2]!, trigger[1]!]);
    const policy = /^create policy (\w+) on public\.(\w+)/.exec(head);
    if (policy) policies.push([policy[2]!, policy[1]!]);
  }
  const pairs = (list: [string, string][]) => list.map(([table, name]) => `(${quoteLiteral(table)}, ${quoteLiteral(name)})`).join(', ');
  statements.push(`do $$
declare
  r record;
begin
  for r in select c.relname, p.polname from pg_policy p join pg_class c on c.oid = p.polrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and (c.relname::text, p.polname::text) in (values ${pairs(policies)}) loop
    execute format('drop policy %I on public.%I', r.polname, r.relname);
  end loop;
  for r in select c.relname, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and not t.tgisinternal and (c.relname::text, t.tgname::text) in (values ${pairs(triggers)}) loop
    execute format('drop trigger %I on public.%I', r.tgname, r.relname);
  end loop;
end
$$`);
  statements.push(`revoke all on ${productTables.map((table) => `public.${table}`).join(', ')} from anon, authenticated, service_role`);
  for (const { statement } of rest) statements.push(statement);
  return statements;
}

/** Legacy table names, for messages. */
export function describeRenames(): string {
  return CARRIED_TABLES.filter((table) => legacyNameOf(table) !== table)
    .map((table) => `${legacyNameOf(table)} → ${table}`)
    .join(', ');
}
