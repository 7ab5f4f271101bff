/**
 * The rollback's SQL helpers for the rows and the end: the remedies undone (run by the detach
 * step, under its lock), the legacy tables' checksums compared with those taken before the
 * upgrade changed any row, the catalogue compared with the record, and the last step, which
 * gives back autovacuum, takes away what the upgrade added outside the legacy tables, and leaves
 * `eduzen_upgrade` to be dropped.
 */
export const ROLLBACK_DATA_SQL = String.raw`
-- The remedies' changes undone from remedy_log, on the rows that still hold what the remedy
-- wrote (a row changed since keeps its value and is counted), their updated_at given back too
-- where it is still the remedies' transaction time. Run by the detach step, under its lock, with
-- the tables' user triggers off (a legacy updated_at trigger would stamp the rows again). Done
-- once: the report row is written in the same transaction.
create or replace function eduzen_upgrade.rollback_undo_remedies(p_placeholder_code text) returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
  v_logged bigint;
  v_undone bigint;
  v_removed bigint;
  v_details jsonb := '{}';
  v_stamp text := '';
  v_triggers jsonb;
begin
  if exists (select 1 from eduzen_upgrade.rollback_report where item = 'remedies') then
    return;
  end if;
  if to_regclass('public.program_sessions') is null or to_regclass('public.programs') is null then
    raise exception 'the legacy tables program_sessions and programs are not back: the remedies cannot be undone';
  end if;
  select coalesce(jsonb_agg(jsonb_build_object('table', c.relname, 'name', t.tgname, 'enabled', t.tgenabled::text)), '[]') into v_triggers
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where c.oid in ('public.program_sessions'::regclass, 'public.programs'::regclass) and not t.tgisinternal and t.tgenabled in ('O', 'A');
  for r in select * from jsonb_to_recordset(v_triggers) as x ("table" text, name text, enabled text) loop
    execute format('alter table public.%I disable trigger %I', r."table", r.name);
  end loop;
  if eduzen_upgrade.has_column('program_sessions', 'updated_at') then
    v_stamp := ', updated_at = case when t.updated_at = l.applied_at and l.details ? ''updated_at'' then (l.details ->> ''updated_at'')::timestamptz else t.updated_at end';
  end if;
  -- In the reverse order of the remedies (a session may have had both).
  select count(*) into v_logged from eduzen_upgrade.remedy_log where remedy = 'orphan-sessions=placeholder' and table_name = 'sessions';
  execute format('with undone as (update public.program_sessions t set program_id = null%s
      from eduzen_upgrade.remedy_log l
      where l.remedy = %L and l.table_name = %L and l.row_id = t.id and t.program_id = (l.details ->> %L)::uuid
      returning 1) select count(*) from undone', v_stamp, 'orphan-sessions=placeholder', 'sessions', 'formation_id') into v_undone;
  -- The placeholder formations the remedy added, unless a session points at one again.
  with removed as (
    delete from public.programs p using eduzen_upgrade.remedy_log l
      where l.remedy = 'orphan-sessions=placeholder' and l.table_name = 'formations' and l.row_id = p.id and p.code = p_placeholder_code
        and not exists (select 1 from public.program_sessions s where s.program_id = p.id)
      returning 1)
    select count(*) into v_removed from removed;
  if v_logged > 0 or v_removed > 0 then
    v_details := v_details || jsonb_build_object('orphan-sessions=placeholder', jsonb_build_object('logged', v_logged, 'undone', v_undone,
      'formations_removed', v_removed,
      'formations_logged', (select count(*) from eduzen_upgrade.remedy_log where remedy = 'orphan-sessions=placeholder' and table_name = 'formations')));
  end if;
  select count(*) into v_logged from eduzen_upgrade.remedy_log where remedy = 'reversed-dates=swap';
  execute format('with undone as (update public.program_sessions t set start_date = (l.details ->> %L)::date, end_date = (l.details ->> %L)::date%s
      from eduzen_upgrade.remedy_log l
      where l.remedy = %L and l.row_id = t.id
        and t.start_date = (l.details ->> %L)::date and t.end_date = (l.details ->> %L)::date
      returning 1) select count(*) from undone', 'start_date', 'end_date', v_stamp, 'reversed-dates=swap', 'end_date', 'start_date') into v_undone;
  if v_logged > 0 then
    v_details := v_details || jsonb_build_object('reversed-dates=swap', jsonb_build_object('logged', v_logged, 'undone', v_undone));
  end if;
  -- The sessions set aside, back in program_sessions (unplaced.ts).
  v_details := v_details || eduzen_upgrade.rollback_set_aside_sessions();
  -- Legacy values given back, learners' logins back in users (value-maps.ts).
  v_details := v_details || eduzen_upgrade.rollback_undo_value_maps();
  for r in select * from jsonb_to_recordset(v_triggers) as x ("table" text, name text, enabled text) loop
    execute format('alter table public.%I %s trigger %I', r."table", case when r.enabled = 'A' then 'enable always' else 'enable' end, r.name);
  end loop;
  insert into eduzen_upgrade.rollback_report (item, details) values ('remedies', v_details);
end $$;

-- The legacy tables' row counts and checksums, computed as the snapshot did, against what they
-- were before the upgrade changed any row: the checksums taken just before the remedies for the
-- tables they changed, the snapshot for the others. Rows users changed meanwhile differ.
create or replace function eduzen_upgrade.rollback_compare() returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
  v_columns text[];
  v_sum record;
begin
  delete from eduzen_upgrade.rollback_report where item like 'checksum:%';
  for r in select coalesce(c.source_name, s.source_name) as source_name, coalesce(c.columns, s.columns) as columns,
        coalesce(c.row_count, s.row_count) as row_count, coalesce(c.checksum, s.checksum) as checksum,
        case when c.source_name is not null then 'the record taken before the remedies' else 'the snapshot' end as against
      from eduzen_upgrade.snapshot s full join eduzen_upgrade.legacy_checksums c on c.source_name = s.source_name
      order by 1 loop
    v_columns := null;
    v_sum := null;
    if eduzen_upgrade.rel(r.source_name) is not null then
      select array_agg(a.attname::text order by a.attnum) into v_columns from pg_attribute a
        where a.attrelid = eduzen_upgrade.rel(r.source_name) and a.attnum > 0 and not a.attisdropped;
      select * into v_sum from eduzen_upgrade.table_checksum(r.source_name, v_columns);
    end if;
    insert into eduzen_upgrade.rollback_report (item, details)
      values ('checksum:' || r.source_name, jsonb_build_object('table', r.source_name, 'rows', v_sum.row_count, 'expected_rows', r.row_count,
        'against', r.against,
        'equal', coalesce(v_sum.row_count = r.row_count and v_sum.checksum = r.checksum and cardinality(v_columns) = cardinality(r.columns), false)));
  end loop;
end $$;

-- How the catalogue differs from the record: problem = true for what the rollback must still
-- give back or take away; false for objects that are not the upgrade's (kept, listed).
create or replace function eduzen_upgrade.legacy_differences(p_made jsonb) returns table (problem boolean, difference text)
  language sql stable set search_path = public, pg_catalog as $$
  with recorded as (
    select l.kind, l.table_name, l.name, l.definition, l.details from eduzen_upgrade.legacy_catalogue l
  ), present as (
    select c.kind, c.table_name, c.name, c.definition, c.details
    from eduzen_upgrade.catalogue_rows(array(select l.objid from eduzen_upgrade.legacy_catalogue l where l.kind = 'table')) c
    where exists (select 1 from eduzen_upgrade.legacy_catalogue)
  ), gone as (
    select * from recorded except select * from present
  ), extra as (
    select * from present except select * from recorded
  )
  select true, format('%s %s%s is not as it was: %s', g.kind, case when g.table_name = '' then '' else g.table_name || '.' end, g.name, coalesce(g.definition, g.details::text))
    from gone g
  union all
  select e.kind = 'table' or eduzen_upgrade.made_by_upgrade(p_made, e.kind, e.table_name, e.name),
    format('%s %s%s is not in the legacy catalogue: %s', e.kind, case when e.table_name = '' then '' else e.table_name || '.' end, e.name, coalesce(e.definition, e.details::text))
    from extra e
  union all
  select true, format('table %s made by the upgrade is still there', c.relname) from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and exists (select 1 from eduzen_upgrade.legacy_catalogue)
      and not (c.oid = any (eduzen_upgrade.prior_tables()))
      and c.relname::text in (select jsonb_array_elements_text(p_made -> 'tables')) $$;

-- The last step: NOT NULLs back (through their validated checks: no scan), the catalogue proved
-- equal to the record, autovacuum given back as it was, and what the upgrade added outside the
-- legacy tables taken away (the migration history it created, or the columns it added to
-- Supabase's; what its auth shim created). The caller drops eduzen_upgrade in the same transaction.
create or replace function eduzen_upgrade.rollback_finish(p_made jsonb) returns void
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
  v_problems text;
  v_schemas jsonb := coalesce((select value from eduzen_upgrade.prior_state where key = 'schemas'), '[]');
  v_history jsonb := (select value from eduzen_upgrade.prior_state where key = 'history_columns');
  v_auth jsonb := coalesce((select value from eduzen_upgrade.prior_state where key = 'auth'), '{}');
  v_grants jsonb := coalesce((select value from eduzen_upgrade.prior_state where key = 'schema_grants'), '{}');
  v_rows boolean;
begin
  perform eduzen_upgrade.require_prior_state();
  for r in select c.relname, k.conname, a.attname from pg_constraint k join pg_class c on c.oid = k.conrelid
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where k.connamespace = 'public'::regnamespace and k.contype = 'c' and k.conname like '%\_rollback\_not\_null' loop
    execute format('alter table public.%I validate constraint %I', r.relname, r.conname);
    execute format('alter table public.%I alter column %I set not null', r.relname, r.attname);
    execute format('alter table public.%I drop constraint %I', r.relname, r.conname);
  end loop;
  select string_agg(d.difference, E'\n  ' order by d.difference) into v_problems from eduzen_upgrade.legacy_differences(p_made) d where d.problem;
  if v_problems is not null then
    raise exception E'the rollback did not give back the legacy catalogue exactly (nothing of this last step was done):\n  %', v_problems;
  end if;
  perform eduzen_upgrade.resume_autovacuum();

  if to_regnamespace('supabase_migrations') is not null then
    if to_regclass('supabase_migrations.schema_migrations') is not null then
      execute 'select exists (select 1 from supabase_migrations.schema_migrations)' into v_rows;
    end if;
    if not (v_schemas ? 'supabase_migrations') and not coalesce(v_rows, false) then
      drop schema supabase_migrations cascade;
    elsif v_history is null and to_regclass('supabase_migrations.schema_migrations') is not null and not coalesce(v_rows, false) then
      drop table supabase_migrations.schema_migrations;
    elsif v_history is not null and to_regclass('supabase_migrations.schema_migrations') is not null then
      for r in select a.attname from pg_attribute a
          where a.attrelid = 'supabase_migrations.schema_migrations'::regclass and a.attnum > 0 and not a.attisdropped
            and not (v_history ? a.attname::text) loop
        execute format('alter table supabase_migrations.schema_migrations drop column %I', r.attname);
      end loop;
    end if;
  end if;

  for r in select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'auth' and p.proname in ('jwt', 'uid', 'role') and not ((v_auth -> 'functions') ? p.proname::text) loop
    execute format('drop function %s', r.signature);
  end loop;
  if not coalesce((v_auth ->> 'users')::boolean, true) and to_regclass('auth.users') is not null then
    execute 'select exists (select 1 from auth.users)' into v_rows;
    if not v_rows then
      drop table auth.users;
    end if;
  end if;
  if not (v_schemas ? 'auth') and to_regnamespace('auth') is not null
     and not exists (select 1 from pg_class c where c.relnamespace = to_regnamespace('auth'))
     and not exists (select 1 from pg_proc p where p.pronamespace = to_regnamespace('auth')) then
    drop schema auth;
  end if;
  -- Grants the shim added on the public and auth schemas (usage for the Supabase roles) go.
  for r in select n.nspname, x.grantee, x.privilege_type from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x
      where n.nspname in ('public', 'auth') and v_grants ? n.nspname::text
        and not exists (select 1 from aclexplode(coalesce((v_grants ->> n.nspname::text)::aclitem[], acldefault('n', n.nspowner))) y
          where y.grantee = x.grantee and y.privilege_type = x.privilege_type) loop
    execute format('revoke %s on schema %I from %s', r.privilege_type, r.nspname,
      case when r.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(r.grantee)) end);
  end loop;
end $$;
`;
