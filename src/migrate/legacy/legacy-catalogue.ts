/**
 * What the upgrade records so that a partial upgrade can be rolled back to the exact legacy state
 * (`eduzen db upgrade --rollback`, rollback.ts):
 *
 * - `prior_state`, written by the first prepare phase before it creates anything: the tables of
 *   the public schema (by oid: the upgrade renames them), the schemas, the migration-history
 *   table's columns, what of the `auth` shim was there, and the grants on the `public` and `auth`
 *   schemas. What the upgrade adds outside the legacy tables is told apart with it.
 * - `legacy_catalogue`, written by the snapshot phase while the shape is still legacy (after the
 *   repair and the remedies, before the catalogue phase, which is the first to change a legacy
 *   table): every column, constraint, index, trigger and policy of those tables, by oid, with its
 *   definition, and every function of the public schema. Nothing legacy is renamed, altered or
 *   dropped before it is recorded, so the rollback can give back names, defaults, NOT NULLs and
 *   the objects the later phases drop (legacy triggers, replaced checks and foreign keys, the
 *   unique keys the retire phase drops, the plain indexes the backfill drops) from their
 *   recorded definitions.
 *
 * `catalogue_rows` reads both the record and, at the end of a rollback, the database again, so
 * that the rollback can prove it left exactly what was recorded.
 */

export const LEGACY_CATALOGUE_SQL = String.raw`
create table if not exists eduzen_upgrade.prior_state (
  key text primary key,
  value jsonb,
  recorded_at timestamptz not null default now()
);

create table if not exists eduzen_upgrade.legacy_catalogue (
  kind text not null,
  relid oid not null,
  -- the object's oid; a column's attnum; a table's own oid
  objid oid not null,
  table_name text not null,
  name text not null,
  definition text,
  details jsonb not null default '{}',
  primary key (kind, relid, objid)
);

-- Checksums (as the snapshot computes them) of the tables the remedies change, taken just
-- before them, once: what a rollback, which undoes the remedies, proves it gave back.
create table if not exists eduzen_upgrade.legacy_checksums (
  source_name text primary key,
  columns text[] not null,
  row_count bigint not null,
  checksum text not null,
  taken_at timestamptz not null default now()
);

create or replace function eduzen_upgrade.record_legacy_checksums(p_tables text[]) returns void
  language plpgsql as $$
declare
  v_table text;
  v_columns text[];
begin
  foreach v_table in array p_tables loop
    continue when eduzen_upgrade.rel(v_table) is null or exists (select 1 from eduzen_upgrade.legacy_checksums where source_name = v_table);
    select array_agg(a.attname::text order by a.attnum) into v_columns from pg_attribute a
      where a.attrelid = eduzen_upgrade.rel(v_table) and a.attnum > 0 and not a.attisdropped;
    insert into eduzen_upgrade.legacy_checksums (source_name, columns, row_count, checksum)
      select v_table, v_columns, c.row_count, c.checksum from eduzen_upgrade.table_checksum(v_table, v_columns) c;
  end loop;
end $$;

-- A grant list as recorded: null when it grants what the default does (whether or not it is
-- spelled out), else the list itself, in its order (grants are given back in that order).
create or replace function eduzen_upgrade.acl_items(p_acl aclitem[], p_kind "char", p_owner oid) returns text
  language sql stable as $$
    select case when p_acl is null or (select array_agg(x order by x::text) from unnest(p_acl) x)
        = (select array_agg(x order by x::text) from unnest(acldefault(p_kind, p_owner)) x) then null
      else p_acl::text end $$;

create or replace function eduzen_upgrade.prior_tables() returns oid[]
  language sql stable as $$
    select coalesce(array(select jsonb_array_elements_text(p.value)::oid from eduzen_upgrade.prior_state p where p.key = 'tables'), '{}') $$;

-- Definitions are rendered with the public schema on the search path, as they are executed back.
create or replace function eduzen_upgrade.catalogue_rows(p_tables oid[])
  returns table (kind text, relid oid, objid oid, table_name text, name text, definition text, details jsonb)
  language sql stable set search_path = public, pg_catalog as $$
  select 'table', c.oid, c.oid, c.relname::text, c.relname::text, null::text,
      jsonb_build_object('row_security', c.relrowsecurity, 'force_row_security', c.relforcerowsecurity,
        'grants', eduzen_upgrade.acl_items(c.relacl, 'r', c.relowner))
    from pg_class c where c.oid = any (p_tables)
  union all
  select 'column', a.attrelid, a.attnum::int::oid, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
      jsonb_build_object('not_null', a.attnotnull, 'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text,
        'generated', a.attgenerated::text, 'grants', a.attacl::text)
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = any (p_tables) and a.attnum > 0 and not a.attisdropped
  union all
  -- NOT NULL constraints (contype n, from Postgres 18) are recorded for their names; they come
  -- and go with the columns' not_null.
  select 'constraint', k.conrelid, k.oid, c.relname::text, k.conname::text, pg_get_constraintdef(k.oid),
      jsonb_build_object('type', k.contype::text, 'validated', k.convalidated, 'deferrable', k.condeferrable, 'deferred', k.condeferred,
        'index', case when k.contype in ('p', 'u', 'x') and k.conindid <> 0 then pg_get_indexdef(k.conindid) end)
    from pg_constraint k join pg_class c on c.oid = k.conrelid
    where k.conrelid = any (p_tables)
  union all
  select 'index', x.indrelid, x.indexrelid, c.relname::text, i.relname::text, pg_get_indexdef(x.indexrelid), jsonb_build_object('valid', x.indisvalid)
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
    where x.indrelid = any (p_tables)
      and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)
  union all
  select 'trigger', t.tgrelid, t.oid, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid), jsonb_build_object('enabled', t.tgenabled::text)
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where t.tgrelid = any (p_tables) and not t.tgisinternal
  union all
  select 'policy', p.polrelid, p.oid, c.relname::text, p.polname::text, null::text,
      jsonb_build_object('permissive', p.polpermissive, 'command', p.polcmd::text,
        'roles', case when p.polroles = '{0}'::oid[] then '["public"]'::jsonb
          else (select jsonb_agg(r.rolname::text order by r.rolname) from pg_roles r where r.oid = any (p.polroles)) end,
        'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid))
    from pg_policy p join pg_class c on c.oid = p.polrelid
    where p.polrelid = any (p_tables)
  union all
  select 'function', 0::oid, p.oid, '', p.oid::regprocedure::text, pg_get_functiondef(p.oid),
      jsonb_build_object('grants', eduzen_upgrade.acl_items(p.proacl, 'f', p.proowner))
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prokind in ('f', 'p') $$;

-- Taken with the snapshot, only while the shape is still legacy (a re-run after the catalogue
-- phase keeps the record taken before it).
create or replace function eduzen_upgrade.record_legacy_catalogue() returns void
  language plpgsql as $$
begin
  if to_regclass('public.program_sessions') is null then
    return;
  end if;
  delete from eduzen_upgrade.legacy_catalogue;
  insert into eduzen_upgrade.legacy_catalogue (kind, relid, objid, table_name, name, definition, details)
    select * from eduzen_upgrade.catalogue_rows(eduzen_upgrade.prior_tables());
end $$;
`;

/**
 * The database as the upgrade found it, recorded once: a re-run of the prepare phase keeps the
 * first record (it was written in the same transaction as everything that phase creates).
 */
export const RECORD_PRIOR_STATE_SQL = `insert into eduzen_upgrade.prior_state (key, value)
  select 'tables', coalesce(jsonb_agg(c.oid::text::bigint order by c.oid), '[]') from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
  union all
  select 'schemas', coalesce(jsonb_agg(n.nspname::text order by n.nspname), '[]') from pg_namespace n
  union all
  select 'history_columns', (select jsonb_agg(a.attname::text order by a.attnum) from pg_attribute a
    where a.attrelid = to_regclass('supabase_migrations.schema_migrations') and a.attnum > 0 and not a.attisdropped)
  union all
  select 'auth', jsonb_build_object('users', to_regclass('auth.users') is not null,
    'functions', coalesce((select jsonb_agg(p.proname::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth'), '[]'))
  union all
  select 'schema_grants', coalesce(jsonb_object_agg(n.nspname, eduzen_upgrade.acl_items(n.nspacl, 'n', n.nspowner)), '{}')
    from pg_namespace n where n.nspname in ('public', 'auth')
  on conflict (key) do nothing`;

export const RECORD_LEGACY_CATALOGUE_SQL = 'select eduzen_upgrade.record_legacy_catalogue()';
