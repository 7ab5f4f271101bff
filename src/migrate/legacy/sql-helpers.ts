/**
 * SQL helpers the upgrade installs in the `eduzen_upgrade` schema before it changes anything.
 * Each is idempotent: it looks at the catalogue and does only what is missing, so the same steps
 * serve the CLI (which may be killed and re-run) and the one-file script for the SQL editor.
 */
export const HELPER_SCHEMA = 'eduzen_upgrade';

export const HELPERS_SQL = String.raw`
create schema if not exists eduzen_upgrade;

create table if not exists eduzen_upgrade.run (
  id bigint generated always as identity primary key,
  started_at timestamptz not null default now(),
  phase text not null default 'started',
  options jsonb not null default '{}',
  finished_at timestamptz
);
-- rollback_started_at: once set, only a rollback may go on (eduzen db upgrade --rollback);
-- last_error: why the last attempt stopped, for eduzen db status.
alter table eduzen_upgrade.run add column if not exists rollback_started_at timestamptz,
  add column if not exists last_error text;

create table if not exists eduzen_upgrade.snapshot (
  table_name text primary key,
  source_name text not null,
  columns text[] not null,
  row_count bigint not null,
  checksum text not null,
  taken_at timestamptz not null default now()
);

-- Tables whose autovacuum the upgrade turned off until it finishes (by oid: tables get renamed).
create table if not exists eduzen_upgrade.autovacuum_paused (
  relid oid primary key,
  table_name text not null,
  paused_at timestamptz not null default now()
);
-- The table's own autovacuum_enabled before the pause (null: not set), given back as it was.
alter table eduzen_upgrade.autovacuum_paused add column if not exists previous text;

-- What the repair phase left to carry back outside its lock: when the old script ran to the
-- end, the rows and columns of its copy sessions_temp that the live sessions table lacks.
create table if not exists eduzen_upgrade.carry_back (
  source text primary key,
  target text not null,
  columns text[] not null,
  done boolean not null default false
);

create table if not exists eduzen_upgrade.remedy_log (
  id bigint generated always as identity primary key,
  remedy text not null,
  table_name text not null,
  row_id uuid not null,
  details jsonb,
  applied_at timestamptz not null default now()
);

create or replace function eduzen_upgrade.rel(p_table text) returns regclass
  language sql stable as $$ select to_regclass('public.' || quote_ident(p_table)) $$;

create or replace function eduzen_upgrade.has_column(p_table text, p_column text) returns boolean
  language sql stable as $$
    select exists (select 1 from pg_attribute
      where attrelid = to_regclass('public.' || quote_ident(p_table)) and attname = p_column
        and attnum > 0 and not attisdropped) $$;

create or replace function eduzen_upgrade.constraint_def(p_oid oid) returns text
  language sql stable as $$ select regexp_replace(pg_get_constraintdef(p_oid), ' NOT VALID$', '') $$;

create or replace function eduzen_upgrade.index_def(p_oid oid) returns text
  language sql stable as $$ select regexp_replace(pg_get_indexdef(p_oid), '^CREATE (UNIQUE )?INDEX \S+ ON \S+ ', 'CREATE \1INDEX ON ') $$;

-- Turns autovacuum off on the upgrade's tables until resume_autovacuum(). The backfill leaves a
-- million dead row versions behind, which starts autovacuum on the table; an exclusive phase's
-- short lock requests never wait long enough to cancel it (a waiter does so only after
-- deadlock_timeout, 1 s), so the phase would retry until the vacuum ends: 14 s at the benchmark's
-- size. Tables where autovacuum is off already are left alone; a table an autovacuum is working
-- on right now is skipped (50 ms lock wait at most), never waited for.
create or replace function eduzen_upgrade.pause_autovacuum(p_tables text[]) returns void
  language plpgsql as $$
declare
  v_rel regclass;
  v_table text;
  v_previous text;
  v_lock_timeout text := current_setting('lock_timeout');
begin
  perform set_config('lock_timeout', '50ms', true);
  foreach v_table in array p_tables loop
    v_rel := eduzen_upgrade.rel(v_table);
    continue when v_rel is null
      or exists (select 1 from eduzen_upgrade.autovacuum_paused where relid = v_rel)
      or exists (select 1 from pg_class c, unnest(c.reloptions) o
        where c.oid = v_rel and o in ('autovacuum_enabled=false', 'autovacuum_enabled=off', 'autovacuum_enabled=0', 'autovacuum_enabled=no'));
    v_previous := (select substr(o, length('autovacuum_enabled=') + 1) from pg_class c, unnest(c.reloptions) o
      where c.oid = v_rel and o like 'autovacuum\_enabled=%' limit 1);
    begin
      execute format('alter table public.%I set (autovacuum_enabled = false)', v_table);
      insert into eduzen_upgrade.autovacuum_paused (relid, table_name, previous) values (v_rel, v_table, v_previous);
    exception when lock_not_available then
      raise notice 'autovacuum is working on %: left on', v_table;
    end;
  end loop;
  perform set_config('lock_timeout', v_lock_timeout, true);
end $$;

-- Gives back autovacuum to the tables pause_autovacuum() turned it off on.
create or replace function eduzen_upgrade.resume_autovacuum() returns void
  language plpgsql as $$
declare
  r record;
begin
  for r in select p.relid, p.previous, c.relname from eduzen_upgrade.autovacuum_paused p
      left join pg_class c on c.oid = p.relid loop
    if r.relname is not null and r.previous is not null then
      execute format('alter table %s set (autovacuum_enabled = %L)', r.relid::regclass, r.previous);
    elsif r.relname is not null then
      execute format('alter table %s reset (autovacuum_enabled)', r.relid::regclass);
    end if;
    delete from eduzen_upgrade.autovacuum_paused where relid = r.relid;
  end loop;
end $$;

create or replace function eduzen_upgrade.set_phase(p_phase text) returns void
  language sql as $$
    update eduzen_upgrade.run set phase = p_phase
    where id = (select max(id) from eduzen_upgrade.run) and finished_at is null $$;

create or replace function eduzen_upgrade.rename_table(p_from text, p_to text) returns void
  language plpgsql as $$
begin
  if eduzen_upgrade.rel(p_from) is not null and eduzen_upgrade.rel(p_to) is null then
    execute format('alter table public.%I rename to %I', p_from, p_to);
  end if;
end $$;

create or replace function eduzen_upgrade.rename_column(p_table text, p_from text, p_to text) returns void
  language plpgsql as $$
begin
  if eduzen_upgrade.has_column(p_table, p_from) and not eduzen_upgrade.has_column(p_table, p_to) then
    execute format('alter table public.%I rename column %I to %I', p_table, p_from, p_to);
  end if;
end $$;

-- Gives an existing constraint with the baseline's definition the baseline's name.
create or replace function eduzen_upgrade.name_constraint(p_table text, p_name text, p_def text) returns void
  language plpgsql as $$
declare
  v_old text;
begin
  if eduzen_upgrade.rel(p_table) is null
     or exists (select 1 from pg_constraint where conrelid = eduzen_upgrade.rel(p_table) and conname = p_name) then
    return;
  end if;
  select conname into v_old from pg_constraint
    where conrelid = eduzen_upgrade.rel(p_table) and eduzen_upgrade.constraint_def(oid) = p_def
    order by conname limit 1;
  if v_old is not null and to_regclass('public.' || quote_ident(p_name)) is null then
    execute format('alter table public.%I rename constraint %I to %I', p_table, v_old, p_name);
  end if;
end $$;

-- Gives an existing index with the baseline's definition the baseline's name.
create or replace function eduzen_upgrade.name_index(p_table text, p_name text, p_def text) returns void
  language plpgsql as $$
declare
  v_old text;
begin
  if eduzen_upgrade.rel(p_table) is null or to_regclass('public.' || quote_ident(p_name)) is not null then
    return;
  end if;
  select i.relname into v_old from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = eduzen_upgrade.rel(p_table) and eduzen_upgrade.index_def(i.oid) = p_def
      and not exists (select 1 from pg_constraint k where k.conindid = i.oid)
    order by i.relname limit 1;
  if v_old is not null then
    execute format('alter index public.%I rename to %I', v_old, p_name);
  end if;
end $$;

-- Renames what a table kept from its legacy name (programs_pkey on formations…), when free.
create or replace function eduzen_upgrade.rename_prefixed(p_table text, p_old_prefix text) returns void
  language plpgsql as $$
declare
  r record;
  v_new text;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select conname from pg_constraint
      where conrelid = eduzen_upgrade.rel(p_table) and conname like p_old_prefix || '\_%' loop
    v_new := p_table || substr(r.conname, length(p_old_prefix) + 1);
    if not exists (select 1 from pg_constraint where conrelid = eduzen_upgrade.rel(p_table) and conname = v_new)
       and to_regclass('public.' || quote_ident(v_new)) is null then
      execute format('alter table public.%I rename constraint %I to %I', p_table, r.conname, v_new);
    end if;
  end loop;
  for r in select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = eduzen_upgrade.rel(p_table) and i.relname like p_old_prefix || '\_%' loop
    v_new := p_table || substr(r.relname, length(p_old_prefix) + 1);
    if to_regclass('public.' || quote_ident(v_new)) is null then
      execute format('alter index public.%I rename to %I', r.relname, v_new);
    end if;
  end loop;
end $$;

-- Brings a column to the baseline: added when missing (without a table rewrite), default and
-- nullability aligned. A NOT NULL the data may not meet yet is first a NOT VALID check,
-- validated later without blocking writes, then turned into NOT NULL without a scan.
create or replace function eduzen_upgrade.ensure_column(
  p_table text, p_column text, p_type text, p_default text, p_not_null boolean, p_volatile_default boolean
) returns void
  language plpgsql as $$
declare
  v_type text;
  v_not_null boolean;
  v_default text;
  v_check text := left(p_table || '_' || p_column, 40) || '_upgrade_not_null';
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  select format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
    into v_type, v_not_null, v_default
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = eduzen_upgrade.rel(p_table) and a.attname = p_column and a.attnum > 0 and not a.attisdropped;
  if v_type is null then
    if p_not_null and p_default is not null and not p_volatile_default then
      execute format('alter table public.%I add column %I %s not null default %s', p_table, p_column, p_type, p_default);
      return;
    end if;
    execute format('alter table public.%I add column %I %s', p_table, p_column, p_type);
    if p_default is not null and not p_volatile_default then
      execute format('alter table public.%I alter column %I set default %s', p_table, p_column, p_default);
    end if;
    v_not_null := false;
    v_default := null;
  elsif v_type <> p_type then
    -- A legacy column of another type is converted (column-types-sql.ts): by a new column, which
    -- takes the baseline's default and NOT NULL, the legacy one left as it is until the swap; or
    -- in place at the swap, its default and NOT NULL aligned here.
    case eduzen_upgrade.pending_conversion(p_table, p_column)
      when 'column' then return;
      when 'alter' then null;
      else raise exception 'column %.% is % where EDUZEN expects %: convert it first', p_table, p_column, v_type, p_type;
    end case;
  end if;
  if p_default is distinct from v_default then
    if p_default is null then
      execute format('alter table public.%I alter column %I drop default', p_table, p_column);
    else
      execute format('alter table public.%I alter column %I set default %s', p_table, p_column, p_default);
    end if;
  end if;
  if v_not_null and not p_not_null then
    execute format('alter table public.%I alter column %I drop not null', p_table, p_column);
  elsif p_not_null and not v_not_null
     and not exists (select 1 from pg_constraint where conrelid = eduzen_upgrade.rel(p_table) and conname = v_check) then
    execute format('alter table public.%I add constraint %I check (%I is not null) not valid', p_table, v_check, p_column);
  end if;
end $$;

-- Adds a baseline check or foreign key NOT VALID; a same-named one with another definition is replaced.
create or replace function eduzen_upgrade.add_constraint(p_table text, p_name text, p_def text) returns void
  language plpgsql as $$
declare
  v_def text;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  -- On the new columns of the columns of legacy types being converted, if any.
  p_def := eduzen_upgrade.conversion_definition(p_table, p_def);
  select eduzen_upgrade.constraint_def(oid) into v_def from pg_constraint
    where conrelid = eduzen_upgrade.rel(p_table) and conname = p_name;
  if v_def = p_def then return; end if;
  if v_def is not null then
    execute format('alter table public.%I drop constraint %I', p_table, p_name);
  end if;
  execute format('alter table public.%I add constraint %I %s not valid', p_table, p_name, p_def);
end $$;

-- The per-table forms the catalogue phase calls (one statement per table instead of one per
-- column or constraint): what already matches the baseline is found in one catalogue query and
-- skipped; the rest goes through the one-item helper above, unchanged.
create or replace function eduzen_upgrade.ensure_columns(p_table text, p_columns jsonb) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select x.* from jsonb_to_recordset(p_columns) as x(name text, type text, def text, not_null boolean, volatile boolean, ord int)
      left join pg_attribute a on a.attrelid = eduzen_upgrade.rel(p_table) and a.attname = x.name and a.attnum > 0 and not a.attisdropped
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attname is null or format_type(a.atttypid, a.atttypmod) <> x.type
        or pg_get_expr(d.adbin, d.adrelid) is distinct from x.def or a.attnotnull <> x.not_null
      order by x.ord loop
    perform eduzen_upgrade.ensure_column(p_table, r.name, r.type, r.def, r.not_null, r.volatile);
  end loop;
end $$;

create or replace function eduzen_upgrade.name_constraints(p_table text, p_wanted jsonb) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select x.* from jsonb_to_recordset(p_wanted) as x(name text, def text, ord int)
      where not exists (select 1 from pg_constraint k where k.conrelid = eduzen_upgrade.rel(p_table) and k.conname = x.name)
      order by x.ord loop
    perform eduzen_upgrade.name_constraint(p_table, r.name, r.def);
  end loop;
end $$;

create or replace function eduzen_upgrade.name_indexes(p_table text, p_wanted jsonb) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select x.* from jsonb_to_recordset(p_wanted) as x(name text, def text, ord int)
      where to_regclass('public.' || quote_ident(x.name)) is null
      order by x.ord loop
    perform eduzen_upgrade.name_index(p_table, r.name, r.def);
  end loop;
end $$;

create or replace function eduzen_upgrade.add_constraints(p_table text, p_wanted jsonb) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select x.* from jsonb_to_recordset(p_wanted) as x(name text, def text, ord int)
      where not exists (select 1 from pg_constraint k where k.conrelid = eduzen_upgrade.rel(p_table) and k.conname = x.name
        and eduzen_upgrade.constraint_def(k.oid) = x.def)
      order by x.ord loop
    perform eduzen_upgrade.add_constraint(p_table, r.name, r.def);
  end loop;
end $$;

-- Turns the unique index built beforehand into the baseline's unique constraint.
create or replace function eduzen_upgrade.attach_unique(p_table text, p_name text, p_columns text) returns void
  language plpgsql as $$
begin
  if eduzen_upgrade.rel(p_table) is null
     or exists (select 1 from pg_constraint where conrelid = eduzen_upgrade.rel(p_table) and conname = p_name) then
    return;
  end if;
  if to_regclass('public.' || quote_ident(p_name)) is null then
    execute format('create unique index %I on public.%I %s', p_name, p_table, p_columns);
  end if;
  execute format('alter table public.%I add constraint %I unique using index %I', p_table, p_name, p_name);
end $$;

-- Turns NOT VALID-then-validated "x is not null" checks into NOT NULL (no scan), then drops them.
create or replace function eduzen_upgrade.promote_not_null() returns void
  language plpgsql as $$
declare
  r record;
begin
  for r in select c.relname as tbl, k.conname, a.attname
      from pg_constraint k join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where n.nspname = 'public' and k.contype = 'c' and k.conname like '%\_upgrade\_not\_null' loop
    execute format('alter table public.%I validate constraint %I', r.tbl, r.conname);
    execute format('alter table public.%I alter column %I set not null', r.tbl, r.attname);
    execute format('alter table public.%I drop constraint %I', r.tbl, r.conname);
  end loop;
end $$;

-- Drops the legacy constraints the baseline's replace: those on a product table, over product
-- columns only, that the baseline does not have. Constraints on the operator's own columns stay.
create or replace function eduzen_upgrade.drop_superseded_constraints(p_table text, p_keep text[], p_columns text[]) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select k.conname from pg_constraint k
      where k.conrelid = eduzen_upgrade.rel(p_table) and k.contype in ('u', 'f', 'c')
        and not (k.conname = any (p_keep))
        and not exists (select 1 from pg_attribute a
          where a.attrelid = k.conrelid and a.attnum = any (k.conkey) and not (a.attname = any (p_columns))) loop
    execute format('alter table public.%I drop constraint %I', p_table, r.conname);
  end loop;
end $$;

-- Drops the legacy product's updated_at triggers (the baseline's own trigger replaces them).
create or replace function eduzen_upgrade.drop_legacy_triggers(p_table text, p_function text) returns void
  language plpgsql as $$
declare
  r record;
begin
  if eduzen_upgrade.rel(p_table) is null then return; end if;
  for r in select t.tgname from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where t.tgrelid = eduzen_upgrade.rel(p_table) and not t.tgisinternal and p.proname = p_function loop
    execute format('drop trigger %I on public.%I', r.tgname, p_table);
  end loop;
end $$;

-- Every row of a copy the old script made is in the source (same id, same content), or is added to it.
create or replace function eduzen_upgrade.carry_rows(p_copy text, p_source text, p_map jsonb) returns bigint
  language plpgsql as $$
declare
  v_copy_cols text;
  v_source_cols text;
  v_differ bigint;
  v_added bigint;
begin
  select string_agg(format('c.%I', a.attname), ', ' order by a.attnum),
         string_agg(format('%I', coalesce(p_map ->> a.attname::text, a.attname::text)), ', ' order by a.attnum)
    into v_copy_cols, v_source_cols
    from pg_attribute a
    where a.attrelid = eduzen_upgrade.rel(p_copy) and a.attnum > 0 and not a.attisdropped
      and eduzen_upgrade.has_column(p_source, coalesce(p_map ->> a.attname::text, a.attname::text));
  execute format('select count(*) from public.%I c join public.%I s on s.id = c.id where row(%s) is distinct from row(%s)',
    p_copy, p_source, v_copy_cols, (select string_agg('s.' || x, ', ') from unnest(string_to_array(v_source_cols, ', ')) x))
    into v_differ;
  if v_differ > 0 then
    raise exception '% rows of % differ from the same rows in %: compare them and keep the right version by hand', v_differ, p_copy, p_source
      using errcode = 'P0001';
  end if;
  execute format('insert into public.%I (%s) select %s from public.%I c where not exists (select 1 from public.%I s where s.id = c.id)',
    p_source, v_source_cols, v_copy_cols, p_copy, p_source);
  get diagnostics v_added = row_count;
  return v_added;
end $$;

-- Content checksum of a table over given columns: row count and an order-free sum of row hashes.
-- Columns of the common built-in types are hashed as values (hash_record_extended, 4x cheaper
-- than rendering the row as text); any other type by its text form.
create or replace function eduzen_upgrade.table_checksum(p_table text, p_columns text[], out row_count bigint, out checksum text)
  language plpgsql stable as $$
begin
  execute format('select count(*), coalesce(sum(hash_record_extended(row(%s), 0)), 0)::text from public.%I t',
    (select string_agg(case when a.atttypid = any (array['uuid', 'text', 'varchar', 'bpchar', 'int2', 'int4', 'int8', 'numeric',
          'bool', 'date', 'timestamp', 'timestamptz', 'time', 'interval', 'jsonb', 'bytea', 'float4', 'float8']::regtype[]::oid[])
        then 't.' || quote_ident(u.c) else 't.' || quote_ident(u.c) || '::text' end, ', ' order by u.o)
      from unnest(p_columns) with ordinality u(c, o)
      left join pg_attribute a on a.attrelid = eduzen_upgrade.rel(p_table) and a.attname = u.c and a.attnum > 0 and not a.attisdropped),
    p_table)
    into row_count, checksum;
end $$;
`;
