/**
 * The rollback's SQL helpers for the schema (rollback-plan.ts orders the steps that call them):
 * the functions step, the detach step (what the upgrade added dropped, the legacy names, defaults,
 * NOT NULLs, triggers, policies and row security given back), the legacy indexes and constraints
 * built and attached again, and their validation. Each `*_statements` helper returns the
 * statements its step would run on the database as it is now: the step executes them, `--dry-run`
 * prints them, and an empty list means the step has nothing to do (and takes no lock).
 *
 * What counts as the upgrade's own: an object that the record (legacy-catalogue.ts) does not hold
 * by oid and whose name is one the upgrade creates (the baseline's columns, constraints, indexes,
 * triggers, policies, tables and functions, its own `*_upgrade_not_null` checks and
 * `*_upgrade_fill` triggers). Anything else found since (an operator's own index, say) is kept.
 */
import { quoteLiteral } from './layout';
import { TABLE_RENAMES } from './legacy-shape';

const targetNameCases = TABLE_RENAMES.map((rename) => `when ${quoteLiteral(rename.from)} then ${quoteLiteral(rename.to)}`).join(' ');

export const ROLLBACK_SCHEMA_SQL = String.raw`
create table if not exists eduzen_upgrade.rollback_report (
  item text primary key,
  details jsonb not null,
  recorded_at timestamptz not null default now()
);

create or replace function eduzen_upgrade.target_name(p_legacy text) returns text
  language sql immutable as $$ select case p_legacy ${targetNameCases} else p_legacy end $$;

create or replace function eduzen_upgrade.made_by_upgrade(p_made jsonb, p_kind text, p_legacy_table text, p_name text) returns boolean
  language sql immutable as $$
    select coalesce((p_made -> 'objects' -> eduzen_upgrade.target_name(p_legacy_table) -> p_kind) ? p_name, false)
      or (p_kind = 'constraint' and p_name like '%\_upgrade\_not\_null')
      or (p_kind = 'function' and split_part(p_name, '(', 1) in (select jsonb_array_elements_text(p_made -> 'functions'))) $$;

create or replace function eduzen_upgrade.rollback_not_null_name(p_table text, p_column text) returns text
  language sql immutable as $$ select left(p_table || '_' || p_column, 40) || '_rollback_not_null' $$;

-- Without the record of the tables the upgrade found, nothing can be told apart: refuse.
create or replace function eduzen_upgrade.require_prior_state() returns void
  language plpgsql as $$
begin
  if not exists (select 1 from eduzen_upgrade.prior_state where key = 'tables') then
    raise exception 'this upgrade was started by an EDUZEN that did not record the legacy state: restore the backup taken before it (eduzen db restore)';
  end if;
end $$;

-- The upgrade's functions that were not there before it; the legacy ones it replaced, as they were.
create or replace function eduzen_upgrade.rollback_function_statements(p_made jsonb) returns setof text
  language plpgsql stable set search_path = public, pg_catalog as $$
declare
  r record;
begin
  perform eduzen_upgrade.require_prior_state();
  -- The functions phase comes after the snapshot: without the record, it has not run.
  if not exists (select 1 from eduzen_upgrade.legacy_catalogue) then
    return;
  end if;
  for r in select p.oid::regprocedure::text as signature from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prokind in ('f', 'p')
        and p.proname::text in (select jsonb_array_elements_text(p_made -> 'functions'))
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue l where l.kind = 'function' and l.objid = p.oid)
      order by 1 loop
    return next format('drop routine public.%s', r.signature);
  end loop;
  for r in select l.definition from eduzen_upgrade.legacy_catalogue l left join pg_proc p on p.oid = l.objid
      where l.kind = 'function' and (p.oid is null or pg_get_functiondef(p.oid) is distinct from l.definition)
      order by l.name loop
    return next r.definition;
  end loop;
  for r in select l.name, l.details ->> 'grants' as grants from eduzen_upgrade.legacy_catalogue l join pg_proc p on p.oid = l.objid
      where l.kind = 'function' and eduzen_upgrade.acl_items(p.proacl, 'f', p.proowner) is distinct from l.details ->> 'grants'
      order by l.name loop
    return next format('select eduzen_upgrade.restore_function_grants(%L, %L)', r.name, r.grants);
  end loop;
end $$;

create or replace function eduzen_upgrade.restore_function_grants(p_signature text, p_acl text) returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_function regprocedure := to_regprocedure(p_signature);
  v_owner oid := (select p.proowner from pg_proc p where p.oid = to_regprocedure(p_signature));
  r record;
begin
  for r in select distinct x.grantee from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x where p.oid = v_function loop
    execute format('revoke all on function %s from %s', v_function, case when r.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(r.grantee)) end);
  end loop;
  -- In the recorded order, so that the list reads as it did.
  for r in select x.grantee, x.privilege_type, x.is_grantable from aclexplode(coalesce(p_acl::aclitem[], acldefault('f', v_owner))) with ordinality x (grantor, grantee, privilege_type, is_grantable, n)
      order by x.n loop
    execute format('grant %s on function %s to %s%s', r.privilege_type, v_function,
      case when r.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(r.grantee)) end,
      case when r.is_grantable then ' with grant option' else '' end);
  end loop;
end $$;

create or replace function eduzen_upgrade.rollback_functions(p_made jsonb) returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_statement text;
begin
  for v_statement in select * from eduzen_upgrade.rollback_function_statements(p_made) loop
    execute v_statement;
  end loop;
end $$;

-- The plain indexes the upgrade built on the legacy tables (the detach step drops them too, under
-- its lock; the CLI drops them CONCURRENTLY before, so that their files go without a lock).
create or replace function eduzen_upgrade.rollback_made_indexes(p_made jsonb) returns table (table_name text, name text)
  language sql stable set search_path = public, pg_catalog as $$
  select c.relname::text, i.relname::text from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
    join eduzen_upgrade.legacy_catalogue l on l.kind = 'table' and l.objid = x.indrelid
    where not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)
      and not exists (select 1 from eduzen_upgrade.legacy_catalogue y where y.kind = 'index' and y.objid = x.indexrelid)
      -- a legacy index the rollback has built again under its own name
      and not exists (select 1 from eduzen_upgrade.legacy_catalogue y where y.relid = x.indrelid and y.name = i.relname::text
        and (y.kind = 'index' and y.definition = pg_get_indexdef(x.indexrelid) or y.kind = 'constraint' and y.details ->> 'index' = pg_get_indexdef(x.indexrelid)))
      and eduzen_upgrade.made_by_upgrade(p_made, 'index', l.name, i.relname::text)
    order by 1, 2 $$;

-- Everything that needs the tables' locks: what the upgrade added to the legacy tables goes, its
-- new tables go (refused if they have rows), the legacy names come back (through names of the
-- form eduzen_rollback_*, so that two renames never collide), then the legacy defaults,
-- nullability, triggers, policies and row security. NOT NULLs the upgrade dropped come back as
-- NOT VALID checks here, validated outside the lock, made NOT NULL (without a scan) at the end.
create or replace function eduzen_upgrade.rollback_detach_statements(p_made jsonb) returns setof text
  language plpgsql stable set search_path = public, pg_catalog as $$
declare
  r record;
  v_command text;
begin
  perform eduzen_upgrade.require_prior_state();
  for r in select c.relname, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join eduzen_upgrade.legacy_catalogue l on l.kind = 'table' and l.objid = t.tgrelid
      where not t.tgisinternal
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'trigger' and x.objid = t.oid)
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'trigger' and x.relid = t.tgrelid
          and x.name = t.tgname::text and x.definition = pg_get_triggerdef(t.oid))
        and eduzen_upgrade.made_by_upgrade(p_made, 'trigger', l.name, t.tgname::text)
      order by 1, 2 loop
    return next format('drop trigger %I on public.%I', r.tgname, r.relname);
  end loop;
  -- Foreign keys first: they depend on the unique keys.
  for r in select c.relname, k.conname from pg_constraint k join pg_class c on c.oid = k.conrelid
      join eduzen_upgrade.legacy_catalogue l on l.kind = 'table' and l.objid = k.conrelid
      where k.contype <> 'n'
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'constraint' and x.objid = k.oid)
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'constraint' and x.relid = k.conrelid and x.name = k.conname::text
          and regexp_replace(x.definition, ' NOT VALID$', '') = regexp_replace(pg_get_constraintdef(k.oid), ' NOT VALID$', ''))
        and eduzen_upgrade.made_by_upgrade(p_made, 'constraint', l.name, k.conname::text)
      order by k.contype <> 'f', 1, 2 loop
    return next format('alter table public.%I drop constraint %I', r.relname, r.conname);
  end loop;
  for r in select * from eduzen_upgrade.rollback_made_indexes(p_made) loop
    return next format('drop index public.%I', r.name);
  end loop;
  for r in select c.relname, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid
      join eduzen_upgrade.legacy_catalogue l on l.kind = 'table' and l.objid = a.attrelid
      where a.attnum > 0 and not a.attisdropped
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'column' and x.relid = a.attrelid and x.objid = a.attnum::int::oid)
        and eduzen_upgrade.made_by_upgrade(p_made, 'column', l.name, a.attname::text)
      order by 1, a.attnum loop
    return next format('alter table public.%I drop column %I', r.relname, r.attname);
  end loop;
  for r in select c.relname, p.polname from pg_policy p join pg_class c on c.oid = p.polrelid
      join eduzen_upgrade.legacy_catalogue l on l.kind = 'table' and l.objid = p.polrelid
      where not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'policy' and x.objid = p.oid)
        and not exists (select 1 from eduzen_upgrade.legacy_catalogue x where x.kind = 'policy' and x.relid = p.polrelid and x.name = p.polname::text)
        and eduzen_upgrade.made_by_upgrade(p_made, 'policy', l.name, p.polname::text)
      order by 1, 2 loop
    return next format('drop policy %I on public.%I', r.polname, r.relname);
  end loop;
  for r in select c.relname from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and not (c.oid = any (eduzen_upgrade.prior_tables()))
        and c.relname::text in (select jsonb_array_elements_text(p_made -> 'tables'))
      order by 1 loop
    return next format('select eduzen_upgrade.drop_new_table(%L)', r.relname);
  end loop;

  for r in select l.objid, l.name, c.relname from eduzen_upgrade.legacy_catalogue l join pg_class c on c.oid = l.objid
      where l.kind = 'table' and c.relname::text <> l.name order by l.name loop
    return next format('alter table public.%I rename to %I', r.relname, 'eduzen_rollback_t' || r.objid);
  end loop;
  for r in select l.objid, l.name, c.relname from eduzen_upgrade.legacy_catalogue l join pg_class c on c.oid = l.objid
      where l.kind = 'table' and c.relname::text <> l.name order by l.name loop
    return next format('alter table public.%I rename to %I', 'eduzen_rollback_t' || r.objid, r.name);
  end loop;
  -- From here on the tables have their legacy names.
  for v_command in select * from unnest(array['temporary', 'final']) loop
    for r in select t.name as table_name, l.objid, l.name, a.attname from eduzen_upgrade.legacy_catalogue l
        join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
        join pg_attribute a on a.attrelid = l.relid and a.attnum::int::oid = l.objid and not a.attisdropped
        where l.kind = 'column' and a.attname::text <> l.name order by 1, l.objid loop
      return next case when v_command = 'temporary'
        then format('alter table public.%I rename column %I to %I', r.table_name, r.attname, 'eduzen_rollback_c' || r.objid)
        else format('alter table public.%I rename column %I to %I', r.table_name, 'eduzen_rollback_c' || r.objid, r.name) end;
    end loop;
  end loop;
  for v_command in select * from unnest(array['temporary', 'final']) loop
    for r in select t.name as table_name, l.objid, l.name, k.conname from eduzen_upgrade.legacy_catalogue l
        join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
        join pg_constraint k on k.oid = l.objid
        where l.kind = 'constraint' and k.conname::text <> l.name order by 1, l.name loop
      return next case when v_command = 'temporary'
        then format('alter table public.%I rename constraint %I to %I', r.table_name, r.conname, 'eduzen_rollback_k' || r.objid)
        else format('alter table public.%I rename constraint %I to %I', r.table_name, 'eduzen_rollback_k' || r.objid, r.name) end;
    end loop;
  end loop;
  for v_command in select * from unnest(array['temporary', 'final']) loop
    for r in select l.objid, l.name, i.relname from eduzen_upgrade.legacy_catalogue l join pg_class i on i.oid = l.objid
        where l.kind = 'index' and i.relname::text <> l.name order by l.name loop
      return next case when v_command = 'temporary'
        then format('alter index public.%I rename to %I', r.relname, 'eduzen_rollback_i' || r.objid)
        else format('alter index public.%I rename to %I', 'eduzen_rollback_i' || r.objid, r.name) end;
    end loop;
  end loop;

  for r in select t.name as table_name, l.name, l.details, a.attnotnull, pg_get_expr(d.adbin, d.adrelid) as current_default
      from eduzen_upgrade.legacy_catalogue l
      join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
      join pg_attribute a on a.attrelid = l.relid and a.attnum::int::oid = l.objid and not a.attisdropped
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where l.kind = 'column' order by 1, l.objid loop
    if r.current_default is distinct from r.details ->> 'default' then
      return next case when r.details ->> 'default' is null
        then format('alter table public.%I alter column %I drop default', r.table_name, r.name)
        else format('alter table public.%I alter column %I set default %s', r.table_name, r.name, r.details ->> 'default') end;
    end if;
    if r.attnotnull and not (r.details ->> 'not_null')::boolean then
      return next format('alter table public.%I alter column %I drop not null', r.table_name, r.name);
    elsif not r.attnotnull and (r.details ->> 'not_null')::boolean and not exists (select 1 from pg_constraint k
        where k.conrelid = to_regclass(format('public.%I', r.table_name)) and k.conname::text = eduzen_upgrade.rollback_not_null_name(r.table_name, r.name)) then
      return next format('alter table public.%I add constraint %I check (%I is not null) not valid',
        r.table_name, eduzen_upgrade.rollback_not_null_name(r.table_name, r.name), r.name);
    end if;
  end loop;
  -- The remedies' changes go before the legacy triggers come back (rollback_undo_remedies).
  if to_regclass('eduzen_upgrade.remedy_log') is not null and exists (select 1 from eduzen_upgrade.remedy_log)
     and not exists (select 1 from eduzen_upgrade.rollback_report where item = 'remedies') then
    return next format('select eduzen_upgrade.rollback_undo_remedies(%L)', p_made ->> 'placeholder_code');
  end if;
  for r in select t.name as table_name, l.name, l.definition, l.details ->> 'enabled' as enabled from eduzen_upgrade.legacy_catalogue l
      join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
      where l.kind = 'trigger' and not exists (select 1 from pg_trigger g where g.oid = l.objid)
        and not exists (select 1 from pg_trigger g where g.tgrelid = l.relid and g.tgname::text = l.name)
      order by 1, 2 loop
    return next r.definition;
    if r.enabled <> 'O' then
      return next format('alter table public.%I %s trigger %I', r.table_name,
        case r.enabled when 'D' then 'disable' when 'R' then 'enable replica' else 'enable always' end, r.name);
    end if;
  end loop;
  for r in select t.name as table_name, l.name, l.details from eduzen_upgrade.legacy_catalogue l
      join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
      where l.kind = 'policy' and not exists (select 1 from pg_policy p where p.oid = l.objid)
        and not exists (select 1 from pg_policy p where p.polrelid = l.relid and p.polname::text = l.name)
      order by 1, 2 loop
    return next format('create policy %I on public.%I as %s for %s to %s%s%s', r.name, r.table_name,
      case when (r.details ->> 'permissive')::boolean then 'permissive' else 'restrictive' end,
      case r.details ->> 'command' when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
      (select string_agg(case when x = 'public' then 'public' else quote_ident(x) end, ', ') from jsonb_array_elements_text(r.details -> 'roles') x),
      case when r.details ->> 'using' is not null then format(' using (%s)', r.details ->> 'using') else '' end,
      case when r.details ->> 'check' is not null then format(' with check (%s)', r.details ->> 'check') else '' end);
  end loop;
  for r in select t.name, (t.details ->> 'row_security')::boolean as rls, (t.details ->> 'force_row_security')::boolean as force_rls,
        c.relrowsecurity, c.relforcerowsecurity
      from eduzen_upgrade.legacy_catalogue t join pg_class c on c.oid = t.objid where t.kind = 'table' order by 1 loop
    if r.rls <> r.relrowsecurity then
      return next format('alter table public.%I %s row level security', r.name, case when r.rls then 'enable' else 'disable' end);
    end if;
    if r.force_rls <> r.relforcerowsecurity then
      return next format('alter table public.%I %s row level security', r.name, case when r.force_rls then 'force' else 'no force' end);
    end if;
  end loop;
end $$;

create or replace function eduzen_upgrade.drop_new_table(p_table text) returns void
  language plpgsql as $$
declare
  v_rows boolean;
begin
  execute format('select exists (select 1 from public.%I)', p_table) into v_rows;
  if v_rows then
    raise exception 'public.% was created by the upgrade and has rows now: move them aside, then run eduzen db upgrade --rollback again', p_table;
  end if;
  execute format('drop table public.%I', p_table);
end $$;

create or replace function eduzen_upgrade.rollback_detach(p_made jsonb) returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_statement text;
begin
  for v_statement in select * from eduzen_upgrade.rollback_detach_statements(p_made) loop
    execute v_statement;
  end loop;
end $$;

-- Legacy indexes gone (the plain ones the backfill dropped, those of the unique keys the retire
-- phase or a replaced constraint took away), or left invalid by a killed build, under their names.
create or replace function eduzen_upgrade.rollback_missing_indexes()
  returns table (table_name text, name text, definition text, invalid boolean)
  language sql stable set search_path = public, pg_catalog as $$
  select t.name, l.name, case when l.kind = 'index' then l.definition else l.details ->> 'index' end, x.indexrelid is not null
  from eduzen_upgrade.legacy_catalogue l
  join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
  left join pg_class i on i.relnamespace = 'public'::regnamespace and i.relname::text = l.name and i.relkind = 'i'
  left join pg_index x on x.indexrelid = i.oid
  where (l.kind = 'index' and not exists (select 1 from pg_class o where o.oid = l.objid)
      or l.kind = 'constraint' and l.details ->> 'type' in ('p', 'u') and not exists (select 1 from pg_constraint k where k.oid = l.objid))
    and (i.oid is null or not x.indisvalid)
  order by 1, 2 $$;

create or replace function eduzen_upgrade.rollback_build_indexes() returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
begin
  for r in select * from eduzen_upgrade.rollback_missing_indexes() loop
    if r.invalid then
      execute format('drop index public.%I', r.name);
    end if;
    execute r.definition;
  end loop;
end $$;

-- The legacy constraints gone: unique keys and primary keys on the indexes built before,
-- checks and foreign keys NOT VALID (validated next, outside the lock).
create or replace function eduzen_upgrade.rollback_attach_statements() returns setof text
  language plpgsql stable set search_path = public, pg_catalog as $$
declare
  r record;
  v_type text;
begin
  for r in select t.name as table_name, l.relid, l.name, l.definition, l.details from eduzen_upgrade.legacy_catalogue l
      join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
      where l.kind = 'constraint' and l.details ->> 'type' <> 'n' and not exists (select 1 from pg_constraint k where k.oid = l.objid)
        and not exists (select 1 from pg_constraint k where k.conrelid = l.relid and k.conname::text = l.name)
      order by case l.details ->> 'type' when 'p' then 0 when 'u' then 1 when 'x' then 2 when 'c' then 3 else 4 end, 1, 3 loop
    v_type := r.details ->> 'type';
    if v_type in ('p', 'u') and exists (select 1 from pg_index x join pg_class i on i.oid = x.indexrelid
        where x.indrelid = r.relid and i.relname::text = r.name and x.indisvalid) then
      return next format('alter table public.%I add constraint %I %s using index %I%s', r.table_name, r.name,
        case v_type when 'p' then 'primary key' else 'unique' end, r.name,
        case when (r.details ->> 'deferrable')::boolean then ' deferrable' || case when (r.details ->> 'deferred')::boolean then ' initially deferred' else '' end else '' end);
    elsif v_type in ('f', 'c') then
      return next format('alter table public.%I add constraint %I %s not valid', r.table_name, r.name, regexp_replace(r.definition, ' NOT VALID$', ''));
    else
      return next format('alter table public.%I add constraint %I %s', r.table_name, r.name, r.definition);
    end if;
  end loop;
end $$;

create or replace function eduzen_upgrade.rollback_attach() returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  v_statement text;
begin
  for v_statement in select * from eduzen_upgrade.rollback_attach_statements() loop
    execute v_statement;
  end loop;
end $$;

-- Constraints to validate: the legacy ones added back NOT VALID (that were valid), and the
-- checks standing for a NOT NULL to give back.
create or replace function eduzen_upgrade.rollback_unvalidated() returns table (table_name text, name text)
  language sql stable set search_path = public, pg_catalog as $$
  select c.relname::text, k.conname::text from pg_constraint k join pg_class c on c.oid = k.conrelid
  join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = k.conrelid
  where not k.convalidated and k.contype in ('c', 'f')
    and (k.conname::text like '%\_rollback\_not\_null'
      or exists (select 1 from eduzen_upgrade.legacy_catalogue l where l.kind = 'constraint' and l.relid = k.conrelid
        and l.name = k.conname::text and (l.details ->> 'validated')::boolean))
  order by pg_relation_size(c.oid) desc, 1, 2 $$;

create or replace function eduzen_upgrade.rollback_validate_all() returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
begin
  for r in select * from eduzen_upgrade.rollback_unvalidated() loop
    execute format('alter table public.%I validate constraint %I', r.table_name, r.name);
  end loop;
end $$;
`;
