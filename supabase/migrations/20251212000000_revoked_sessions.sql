-- Sessions ended by a logout before their token expires.
--
-- EDUZEN's session tokens are stateless JWTs valid 8 hours, each with a random id (jti). A
-- logout records that id here until the token's own expiry, and every request checks it, so a
-- token handed to a script (Authorization: Bearer) stops working when its session is logged out,
-- not only the dashboard's cookie. Rows past their expiry are deleted by later logouts.
--
-- Only the server reads and writes this table, outside row-level security: RLS is on with no
-- policy, and the API roles have no privilege on it.

create table public.revoked_sessions (
  jti text not null,
  organization_id uuid not null,
  user_id uuid not null,
  expires_at timestamptz not null,
  revoked_at timestamptz not null default now(),
  constraint revoked_sessions_pkey primary key (jti),
  constraint revoked_sessions_user_fkey foreign key (organization_id, user_id)
    references public.users (organization_id, id) on delete cascade
);

create index revoked_sessions_organization_id_user_id_idx on public.revoked_sessions (organization_id, user_id);
create index revoked_sessions_expires_at_idx on public.revoked_sessions (expires_at);

alter table public.revoked_sessions enable row level security;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on public.revoked_sessions from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on public.revoked_sessions from authenticated;
  end if;
end
$$;
