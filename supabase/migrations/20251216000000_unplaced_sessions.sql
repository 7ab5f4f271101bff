-- Sessions set aside by the legacy upgrade.
--
-- Legacy program_sessions had no organisation of their own: it came from their programme, their
-- trainer, their learners, marks or grades. A session with none of these tells no organisation.
-- On a database with several organisations the upgrade does not guess: it sets such a session
-- aside here, the whole legacy row kept as it was, until an operator files it into an
-- organisation (`eduzen unplaced-sessions restore`). A restored session keeps its id; its row
-- here stays, marked restored, so that every session ever set aside is still found by its id.
--
-- A fresh install has this table too, empty, so that an upgraded schema equals a fresh one.
-- Only the connection owner (the operator's CLI) reads and writes it: RLS is on with no policy,
-- and the API roles have no privilege on it.

create table public.unplaced_sessions (
  -- The legacy program_sessions id, which a restored session keeps.
  id uuid not null,
  legacy_row jsonb not null,
  set_aside_at timestamptz not null,
  -- The upgrade run that set it aside (eduzen_upgrade.run, gone once the upgrade is cleaned up).
  upgrade_run_id bigint not null,
  upgrade_started_at timestamptz not null,
  restored_at timestamptz,
  restored_organization_id uuid references public.organizations (id) on delete restrict,
  constraint unplaced_sessions_pkey primary key (id),
  constraint unplaced_sessions_restored_check check ((restored_at is null) = (restored_organization_id is null))
);

alter table public.unplaced_sessions enable row level security;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on public.unplaced_sessions from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on public.unplaced_sessions from authenticated;
  end if;
end
$$;
