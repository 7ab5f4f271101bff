-- Staff accounts created through the API in Supabase Auth's shape.
--
-- On Supabase, auth.users is Supabase Auth's (GoTrue's) table: its id has no default (the
-- previous version of this function failed there with `null value in column "id"`), and GoTrue
-- signs an e-mail user in only if the row has its instance (the nil UUID), the audience and role
-- `authenticated`, a confirmed e-mail, the provider in raw_app_meta_data, '' rather than NULL in
-- the token columns it reads as strings, and an `email` row in auth.identities.
--
-- The function now makes the id itself and writes that shape, restricted to the columns the
-- tables have: the same code fits GoTrue's tables, older GoTrue releases with fewer columns, and
-- EDUZEN's shim (id, e-mail, hash, metadata and timestamps; no auth.identities). It is the SQL
-- twin of createIdentity in src/features/auth/identity-store.ts. The password still arrives
-- hashed by the application, with the kind the store verifies: bcrypt where GoTrue reads
-- auth.users, argon2id on the shim. The checks are unchanged: an active administrator creates
-- accounts in their own organisation only.

create or replace function public.create_staff_account(
  p_email text,
  p_password_hash text,
  p_full_name text,
  p_role text
) returns uuid
  language plpgsql
  volatile
  security definer
  set search_path = public, pg_temp
  as $$
declare
  v_organization_id uuid := public.current_organization_id();
  v_email text := lower(btrim(p_email));
  v_full_name text := nullif(btrim(p_full_name), '');
  v_id uuid := gen_random_uuid();
  v_now timestamptz := now();
  v_email_claims jsonb;
  v_user jsonb;
  v_identity jsonb;
  v_columns text;
begin
  if v_organization_id is null or public.current_staff_role() is distinct from 'admin' then
    raise exception 'only an active administrator can create staff accounts'
      using errcode = '42501';
  end if;
  -- Which roles exist is users_role_check's to say (the insert into public.users below checks
  -- it, with the same error): one list, which later migrations may widen.
  if p_role is null then
    raise exception 'unknown staff role: %', p_role
      using errcode = '23514', constraint = 'users_role_check';
  end if;
  if v_email is null or v_email = '' or p_password_hash is null or p_password_hash = '' then
    raise exception 'an e-mail and a password are required'
      using errcode = '23502';
  end if;
  -- E-mails identify a login across all organisations (auth.users), so they are unique
  -- everywhere; the check names one constraint whatever auth.users' own index is called.
  if exists (select 1 from auth.users identity where lower(identity.email) = v_email) then
    raise exception 'an account with this e-mail already exists'
      using errcode = '23505', constraint = 'staff_accounts_email_key';
  end if;

  v_email_claims := jsonb_build_object(
    'sub', v_id::text, 'email', v_email, 'email_verified', true, 'phone_verified', false);
  v_user := jsonb_build_object(
    'id', v_id,
    'instance_id', '00000000-0000-0000-0000-000000000000',
    'aud', 'authenticated',
    'role', 'authenticated',
    'email', v_email,
    'encrypted_password', p_password_hash,
    'email_confirmed_at', v_now,
    'raw_app_meta_data', jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')),
    'raw_user_meta_data', v_email_claims || jsonb_strip_nulls(jsonb_build_object('full_name', v_full_name)),
    'created_at', v_now,
    'updated_at', v_now,
    -- GoTrue scans these into Go strings and booleans: a NULL fails its sign-in with a 500.
    'confirmation_token', '',
    'recovery_token', '',
    'email_change_token_new', '',
    'email_change_token_current', '',
    'email_change', '',
    'phone_change', '',
    'phone_change_token', '',
    'reauthentication_token', '',
    'is_super_admin', false,
    'is_sso_user', false,
    'is_anonymous', false);
  -- Only the columns auth.users has (generated ones excluded), filled from the object above.
  select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
  from pg_catalog.pg_attribute a
  where a.attrelid = 'auth.users'::regclass and a.attnum > 0 and not a.attisdropped
    and a.attgenerated = '' and v_user ? a.attname::text;
  execute format('insert into auth.users (%1$s) select %1$s from jsonb_populate_record(null::auth.users, $1)', v_columns)
    using v_user;

  if to_regclass('auth.identities') is not null then
    v_identity := jsonb_build_object(
      'provider_id', v_id::text,
      'user_id', v_id,
      'provider', 'email',
      'identity_data', v_email_claims,
      'last_sign_in_at', v_now,
      'created_at', v_now,
      'updated_at', v_now);
    -- Before GoTrue's migration 20231117164230 the provider's id was the `id` column itself;
    -- since then `id` is a uuid with a default.
    if not exists (
      select 1 from pg_catalog.pg_attribute a
      where a.attrelid = 'auth.identities'::regclass and a.attname = 'provider_id' and not a.attisdropped
    ) then
      v_identity := v_identity || jsonb_build_object('id', v_id::text);
    end if;
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
    from pg_catalog.pg_attribute a
    where a.attrelid = 'auth.identities'::regclass and a.attnum > 0 and not a.attisdropped
      and a.attgenerated = '' and v_identity ? a.attname::text;
    execute format('insert into auth.identities (%1$s) select %1$s from jsonb_populate_record(null::auth.identities, $1)', v_columns)
      using v_identity;
  end if;

  insert into public.users (id, organization_id, email, full_name, role)
  values (v_id, v_organization_id, v_email, v_full_name, p_role);

  return v_id;
end
$$;

revoke all on function public.create_staff_account(text, text, text, text) from public;
revoke all on function public.create_staff_account(text, text, text, text) from anon;
grant execute on function public.create_staff_account(text, text, text, text) to authenticated;
