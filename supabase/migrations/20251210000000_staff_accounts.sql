-- Staff accounts created through the API by an organisation's administrator.
--
-- The login identity lives in auth.users, which the `authenticated` role cannot write (on
-- Supabase it belongs to the auth service). This security definer function is the one narrow
-- door: it checks that the caller is an active administrator, and creates the identity and the
-- staff profile together, always in the caller's own organisation (never one named by the
-- client). The password arrives already hashed (argon2id, hashed by the application), so no
-- clear-text password ever reaches SQL or its logs.

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
  v_id uuid;
begin
  if v_organization_id is null or public.current_staff_role() is distinct from 'admin' then
    raise exception 'only an active administrator can create staff accounts'
      using errcode = '42501';
  end if;
  if p_role is null or p_role not in ('admin', 'secretary', 'teacher', 'staff') then
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

  insert into auth.users (email, encrypted_password)
  values (v_email, p_password_hash)
  returning id into v_id;

  insert into public.users (id, organization_id, email, full_name, role)
  values (v_id, v_organization_id, v_email, nullif(btrim(p_full_name), ''), p_role);

  return v_id;
end
$$;

revoke all on function public.create_staff_account(text, text, text, text) from public;
revoke all on function public.create_staff_account(text, text, text, text) from anon;
grant execute on function public.create_staff_account(text, text, text, text) to authenticated;
