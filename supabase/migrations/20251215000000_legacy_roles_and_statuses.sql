-- Legacy roles and statuses: the product model made as wide as what legacy EDUZEN databases hold
-- (docs/decisions/013-legacy-roles-and-statuses.md).
--
-- - A fifth staff role, `accountant`: finance. Reads the catalogue, sessions, their schedule,
--   learners, enrollments and attendance (the funders' exports are built from it); writes only
--   the payment fields of enrollments; no grades, no change history, no staff accounts.
-- - A payment status `overdue`.
-- - public.portal_accounts: the identities of learners and parents (legacy roles `student` and
--   `parent`), kept as inactive accounts that are not staff. They open neither the dashboard nor
--   the API: login and every request look a caller up in public.users only.
--
-- The permission matrix is docs/permissions.md; the TypeScript twin of it is src/shared/roles.ts.

-- The accountant role --------------------------------------------------------------------------

alter table public.users
  drop constraint users_role_check,
  add constraint users_role_check check (role in ('admin', 'secretary', 'teacher', 'staff', 'accountant'));

-- The payment status overdue ------------------------------------------------------------------

alter table public.enrollments
  drop constraint enrollments_payment_status_check,
  add constraint enrollments_payment_status_check
    check (payment_status in ('pending', 'partial', 'paid', 'overdue', 'refunded', 'waived'));

-- Staff accounts may be created with the accountant role: public.create_staff_account leaves
-- the list of roles to users_role_check above (20251214000000_gotrue_identities.sql).

-- What an accountant reads: every session of the organisation, with its schedule, learners,
-- roster and attendance (as `staff` does), but not its grades ---------------------------------

drop policy sessions_select on public.sessions;
create policy sessions_select on public.sessions for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or teacher_id = (select auth.uid())));

drop policy session_slots_select on public.session_slots;
create policy session_slots_select on public.session_slots for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or public.is_session_teacher(organization_id, session_id)));

drop policy session_former_hours_select on public.session_former_hours;
create policy session_former_hours_select on public.session_former_hours for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or public.is_session_teacher(organization_id, session_id)));

drop policy students_select on public.students;
create policy students_select on public.students for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or public.is_teacher_of_student(organization_id, id)));

drop policy enrollments_select on public.enrollments;
create policy enrollments_select on public.enrollments for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or public.is_session_teacher(organization_id, session_id)));

-- Attendance is read (realised hours are what funders pay for, and what the exports count),
-- never written; grades stay out of reach (grades_select is unchanged).
drop policy attendance_select on public.attendance;
create policy attendance_select on public.attendance for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff', 'accountant')
              or public.is_session_teacher(organization_id, session_id)));

-- What an accountant writes: the payment fields of enrollments, nothing else ------------------
-- A policy decides which rows a role may update, not which columns, and every API user is the
-- same `authenticated` role, so a column grant cannot tell an accountant from a secretary. The
-- update policy lets the accountant at the rows; this trigger refuses any change beyond
-- payment_status, amount_due and amount_paid (compared on the whole row, so a column added
-- later is refused too until it is named here).

drop policy enrollments_update on public.enrollments;
create policy enrollments_update on public.enrollments for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary', 'accountant'))
  with check (organization_id = (select public.current_organization_id()));

create or replace function public.enrollments_guard_payment_only() returns trigger
  language plpgsql
  set search_path = public, pg_temp
  as $$
declare
  v_payment_fields text[] := array['payment_status', 'amount_due', 'amount_paid', 'updated_at'];
begin
  if public.current_staff_role() = 'accountant'
     and (to_jsonb(new) - v_payment_fields) is distinct from (to_jsonb(old) - v_payment_fields) then
    raise exception 'an accountant changes only the payment of an enrollment (payment_status, amount_due, amount_paid)'
      using errcode = '42501';
  end if;
  return new;
end
$$;

revoke all on function public.enrollments_guard_payment_only() from public;

create trigger enrollments_guard_payment_only before update on public.enrollments
  for each row execute function public.enrollments_guard_payment_only();

-- Learners and parents: inactive accounts that are not staff -----------------------------------
-- One row per login identity of a legacy `student` or `parent`, with its profile, in its
-- organisation; linked to the learner (students) whose e-mail is the account's, when exactly
-- one learner of the organisation has it. Ready for a learner portal; until then is_active
-- stays false and opens nothing. Administrators read them; nobody writes them through the API
-- (the upgrade and operators do, as the connection's owner).

create table public.portal_accounts (
  id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete restrict,
  kind text not null,
  student_id uuid,
  legacy_role text,
  email text not null,
  full_name text,
  is_active boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint portal_accounts_organization_id_id_key unique (organization_id, id),
  constraint portal_accounts_student_fkey foreign key (organization_id, student_id)
    references public.students (organization_id, id) on delete set null (student_id),
  constraint portal_accounts_kind_check check (kind in ('student', 'parent')),
  constraint portal_accounts_email_check check (length(btrim(email)) > 0)
);

create index portal_accounts_organization_id_student_id_idx
  on public.portal_accounts (organization_id, student_id);
create index portal_accounts_organization_id_email_idx
  on public.portal_accounts (organization_id, lower(email));

create trigger portal_accounts_set_updated_at before update on public.portal_accounts
  for each row execute function public.set_updated_at();

-- The learner of the same e-mail, when there is exactly one (security definer: whoever writes
-- the account, every learner of its organisation is compared, not only those they may read).
create or replace function public.portal_accounts_link_student() returns trigger
  language plpgsql
  security definer
  set search_path = public, pg_temp
  as $$
begin
  if new.student_id is null then
    select min(s.id::text)::uuid into new.student_id
    from public.students s
    where s.organization_id = new.organization_id and lower(btrim(s.email)) = lower(btrim(new.email))
    having count(*) = 1;
  end if;
  return new;
end
$$;

revoke all on function public.portal_accounts_link_student() from public;

create trigger portal_accounts_link_student before insert or update of email on public.portal_accounts
  for each row execute function public.portal_accounts_link_student();

alter table public.portal_accounts enable row level security;

grant select on public.portal_accounts to authenticated;
grant all on public.portal_accounts to service_role;

-- On Supabase, default privileges hand every new table to anon and authenticated in full: take
-- back all but reading from authenticated, and everything from anon.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on public.portal_accounts from anon;
  end if;
  revoke insert, update, delete, truncate, references, trigger on public.portal_accounts from authenticated;
end
$$;

create policy portal_accounts_select on public.portal_accounts for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) = 'admin');
