/**
 * A wider look than `databaseFingerprint`, for the rollback tests: every column (type, default,
 * nullability), constraint (definition, validity), index, trigger (and whether it is enabled),
 * policy (its expressions), function (body and grants), table grant, storage option (autovacuum)
 * and row-security flag of the public schema, the schemas and their grants, the columns of the
 * migration history table; and the checksums of every public table computed by the upgrade's own
 * helper (`eduzen_upgrade.table_checksum`, installed in a transaction that is rolled back).
 *
 *   const before = await onServer(url, catalogueOf);
 *   …
 *   expect(await onServer(url, catalogueOf)).toEqual(before);
 */
import pg from 'pg';
import { HELPERS_SQL } from '../../../src/migrate/legacy/sql-helpers';
import { splitStatements } from '../../../src/migrate/split-statements';

export type Query = (text: string) => Promise<Record<string, unknown>[]>;

/** Runs `work` with a query function on one connection to the server database. */
export async function onServer<T>(databaseUrl: string, work: (query: Query) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(async (text) => (await client.query(text)).rows);
  } finally {
    await client.end();
  }
}

const CATALOGUE_QUERIES: Record<string, string> = {
  schemas: `select n.nspname || ' ' || coalesce(n.nspacl::text, '') as item from pg_namespace n
    where n.nspname !~ '^pg_' and n.nspname <> 'information_schema' order by 1`,
  relations: `select c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity
      || ' options=' || coalesce(c.reloptions::text, '') || ' grants=' || coalesce(c.relacl::text, '') as item
    from pg_class c where c.relnamespace = 'public'::regnamespace order by 1`,
  columns: `select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' not_null=' || a.attnotnull
      || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' rank=' || rank() over (partition by c.oid order by a.attnum) as item
    from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v') and a.attnum > 0 and not a.attisdropped order by 1`,
  constraints: `select c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated as item
    from pg_constraint k join pg_class c on c.oid = k.conrelid where k.connamespace = 'public'::regnamespace order by 1`,
  indexes: `select pg_get_indexdef(x.indexrelid) || ' valid=' || x.indisvalid as item
    from pg_index x join pg_class i on i.oid = x.indexrelid where i.relnamespace = 'public'::regnamespace order by 1`,
  triggers: `select pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text as item
    from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = 'public'::regnamespace and not t.tgisinternal order by 1`,
  policies: `select tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd
      || ' using=' || coalesce(qual, '') || ' check=' || coalesce(with_check, '') as item
    from pg_policies where schemaname = 'public' order by 1`,
  functions: `select p.oid::regprocedure::text || ' ' || md5(pg_get_functiondef(p.oid)) || ' grants=' || coalesce(p.proacl::text, '') as item
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'auth') and p.prokind in ('f', 'p') order by 1`,
  history: `select a.attname as item from pg_attribute a
    where a.attrelid = to_regclass('supabase_migrations.schema_migrations') and a.attnum > 0 and not a.attisdropped order by 1`,
};

export type Catalogue = Record<string, string[]>;

export async function catalogueOf(query: Query): Promise<Catalogue> {
  const catalogue: Catalogue = {};
  for (const [name, text] of Object.entries(CATALOGUE_QUERIES)) catalogue[name] = (await query(text)).map((row) => String(row.item));
  return catalogue;
}

/**
 * Row count and checksum of every public table, by the helper the snapshot uses, over all of its
 * columns. The helpers are installed in a transaction that is rolled back: nothing is left.
 */
export async function tableChecksums(query: Query): Promise<Record<string, string>> {
  await query('begin');
  try {
    for (const statement of splitStatements(HELPERS_SQL)) await query(statement.text);
    const rows = await query(`select c.relname as name, s.row_count || ':' || s.checksum as sum
      from pg_class c, eduzen_upgrade.table_checksum(c.relname::text,
        array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum)) s
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by 1`);
    return Object.fromEntries(rows.map((row) => [String(row.name), String(row.sum)]));
  } finally {
    await query('rollback');
  }
}
