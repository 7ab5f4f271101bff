/**
 * Reads a schema's shape from the catalogue: tables, columns, constraints, indexes, triggers,
 * policies, functions and table grants. Used three ways: to generate the baseline the upgrade
 * aims at, by `verify` to diff an upgraded database against a fresh install, and by `status`.
 */
import { type Kysely, sql } from 'kysely';

export type ColumnShape = { name: string; type: string; notNull: boolean; default: string | null; identity: string };
export type ConstraintShape = { name: string; kind: string; definition: string; validated: boolean; columns: string[] };
export type IndexShape = { name: string; definition: string; constraint: boolean; valid: boolean };
export type TriggerShape = { name: string; definition: string };
export type PolicyShape = { name: string; command: string; roles: string[]; permissive: string; using: string | null; check: string | null };

export type TableShape = {
  name: string;
  rowSecurity: boolean;
  columns: ColumnShape[];
  constraints: ConstraintShape[];
  indexes: IndexShape[];
  triggers: TriggerShape[];
  policies: PolicyShape[];
  /** `role:PRIVILEGE` for the Supabase roles. */
  grants: string[];
};

export type FunctionShape = { signature: string; definition: string };

export type SchemaShape = { tables: Record<string, TableShape>; functions: Record<string, FunctionShape> };

// biome-ignore lint: any database works here, the catalogue is the same.
type AnyDb = Kysely<any>;

export async function readSchema(db: AnyDb, schema = 'public'): Promise<SchemaShape> {
  const tables: Record<string, TableShape> = {};
  const tableRows = await sql<{ name: string; rls: boolean }>`
    select c.relname as name, c.relrowsecurity as rls from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') order by 1`.execute(db);
  for (const row of tableRows.rows) {
    tables[row.name] = { name: row.name, rowSecurity: row.rls, columns: [], constraints: [], indexes: [], triggers: [], policies: [], grants: [] };
  }
  const columns = await sql<ColumnShape & { table: string }>`
    select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
      a.attnotnull as "notNull", pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity::text as identity
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db);
  for (const { table, ...column } of columns.rows) tables[table]?.columns.push(column);
  const constraints = await sql<ConstraintShape & { table: string }>`
    select c.relname as "table", k.conname as name, k.contype::text as kind,
      pg_get_constraintdef(k.oid) as definition, k.convalidated as validated,
      coalesce((select array_agg(a.attname::text order by a.attnum) from pg_attribute a
        where a.attrelid = k.conrelid and a.attnum = any (k.conkey)), '{}') as columns
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and k.contype in ('p', 'u', 'f', 'c', 'x') order by c.relname, k.conname`.execute(db);
  for (const { table, ...constraint } of constraints.rows) tables[table]?.constraints.push(constraint);
  const indexes = await sql<IndexShape & { table: string }>`
    select t.relname as "table", i.relname as name, pg_get_indexdef(i.oid) as definition,
      exists (select 1 from pg_constraint k where k.conindid = i.oid and k.conrelid = t.oid) as constraint,
      x.indisvalid as valid
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema} order by t.relname, i.relname`.execute(db);
  for (const { table, ...index } of indexes.rows) tables[table]?.indexes.push(index);
  const triggers = await sql<TriggerShape & { table: string }>`
    select c.relname as "table", t.tgname as name, pg_get_triggerdef(t.oid) as definition
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and not t.tgisinternal order by c.relname, t.tgname`.execute(db);
  for (const { table, ...trigger } of triggers.rows) tables[table]?.triggers.push(trigger);
  const policies = await sql<PolicyShape & { table: string }>`
    select tablename as "table", policyname as name, cmd as command, roles::text[] as roles,
      permissive, qual as using, with_check as check
    from pg_policies where schemaname = ${schema} order by tablename, policyname`.execute(db);
  for (const { table, ...policy } of policies.rows) tables[table]?.policies.push(policy);
  const grants = await sql<{ table: string; grant: string }>`
    select table_name as "table", grantee || ':' || privilege_type as grant
    from information_schema.role_table_grants
    where table_schema = ${schema} and grantee in ('anon', 'authenticated', 'service_role')
    order by 1, 2`.execute(db);
  for (const row of grants.rows) tables[row.table]?.grants.push(row.grant);
  const functions: Record<string, FunctionShape> = {};
  const functionRows = await sql<FunctionShape>`
    select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as signature,
      pg_get_functiondef(p.oid) as definition
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = ${schema} and p.prokind = 'f' order by 1`.execute(db);
  for (const row of functionRows.rows) functions[row.signature] = row;
  return { tables, functions };
}
