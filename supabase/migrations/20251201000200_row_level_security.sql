-- Row-level security: the security boundary between organisations, as in Supabase.
--
-- The caller is auth.uid() (from request.jwt.claims). Their organisation and staff role are
-- read from public.users, never trusted from the token, so a Supabase access token without
-- custom claims works too. The helpers are security definer (they read users/sessions without
-- recursing into those tables' own policies) and are wrapped in (select ...) in the policies so
-- that Postgres evaluates them once per statement rather than once per row.
-- The permission matrix these policies implement is in docs/permissions.md.

create or replace function public.current_organization_id() returns uuid
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select u.organization_id from public.users u where u.id = auth.uid() and u.is_active
  $$;

create or replace function public.current_staff_role() returns text
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select u.role from public.users u where u.id = auth.uid() and u.is_active
  $$;

-- Is the caller the trainer of this session?
create or replace function public.is_session_teacher(p_organization_id uuid, p_session_id uuid)
  returns boolean
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select exists (
      select 1 from public.sessions s
      where s.organization_id = p_organization_id and s.id = p_session_id
        and s.teacher_id = auth.uid()
    )
  $$;

-- Is this student enrolled in one of the caller's sessions as trainer?
create or replace function public.is_teacher_of_student(p_organization_id uuid, p_student_id uuid)
  returns boolean
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select exists (
      select 1 from public.enrollments e
      join public.sessions s on s.organization_id = e.organization_id and s.id = e.session_id
      where e.organization_id = p_organization_id and e.student_id = p_student_id
        and s.teacher_id = auth.uid()
    )
  $$;

-- Nobody raises their own role or moves themselves to another organisation.
create or replace function public.users_guard_self_update() returns trigger
  language plpgsql
  as $$
begin
  if new.id = auth.uid()
     and (new.role is distinct from old.role
          or new.organization_id is distinct from old.organization_id
          or new.is_active is distinct from old.is_active) then
    raise exception 'a user cannot change their own role, organisation or active state'
      using errcode = '42501';
  end if;
  return new;
end
$$;

create trigger users_guard_self_update before update on public.users
  for each row execute function public.users_guard_self_update();

revoke all on function public.current_organization_id() from public;
revoke all on function public.current_staff_role() from public;
revoke all on function public.is_session_teacher(uuid, uuid) from public;
revoke all on function public.is_teacher_of_student(uuid, uuid) from public;
grant execute on function public.current_organization_id() to authenticated, service_role;
grant execute on function public.current_staff_role() to authenticated, service_role;
grant execute on function public.is_session_teacher(uuid, uuid) to authenticated, service_role;
grant execute on function public.is_teacher_of_student(uuid, uuid) to authenticated, service_role;

-- Table privileges: RLS narrows them to the caller's rows.
grant select, update on public.organizations to authenticated;
grant select, insert, update, delete on
  public.users, public.students, public.programs, public.formations, public.sessions,
  public.enrollments, public.attendance, public.grades
  to authenticated;
grant select on public.change_log to authenticated;
grant all on
  public.organizations, public.users, public.students, public.programs, public.formations,
  public.sessions, public.enrollments, public.attendance, public.grades, public.change_log
  to service_role;

alter table public.organizations enable row level security;
alter table public.users enable row level security;
alter table public.students enable row level security;
alter table public.programs enable row level security;
alter table public.formations enable row level security;
alter table public.sessions enable row level security;
alter table public.enrollments enable row level security;
alter table public.attendance enable row level security;
alter table public.grades enable row level security;
alter table public.change_log enable row level security;

-- organizations: everyone reads their own; admins edit it; creation is an operator's job.
create policy organizations_select on public.organizations for select to authenticated
  using (id = (select public.current_organization_id()));
create policy organizations_update on public.organizations for update to authenticated
  using (id = (select public.current_organization_id())
         and (select public.current_staff_role()) = 'admin')
  with check (id = (select public.current_organization_id()));

-- users: everyone reads their colleagues; admins manage accounts.
create policy users_select on public.users for select to authenticated
  using (organization_id = (select public.current_organization_id()));
create policy users_insert on public.users for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) = 'admin');
create policy users_update on public.users for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) = 'admin')
  with check (organization_id = (select public.current_organization_id()));
create policy users_delete on public.users for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) = 'admin');

-- Catalogue (programs, formations): every staff member reads; admin and secretary write.
create policy programs_select on public.programs for select to authenticated
  using (organization_id = (select public.current_organization_id()));
create policy programs_insert on public.programs for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy programs_update on public.programs for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy programs_delete on public.programs for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

create policy formations_select on public.formations for select to authenticated
  using (organization_id = (select public.current_organization_id()));
create policy formations_insert on public.formations for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy formations_update on public.formations for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy formations_delete on public.formations for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

-- sessions: a teacher reads only the sessions they train; admin and secretary write.
create policy sessions_select on public.sessions for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or teacher_id = (select auth.uid())));
create policy sessions_insert on public.sessions for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy sessions_update on public.sessions for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy sessions_delete on public.sessions for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

-- students: a teacher reads only the learners of their sessions; admin and secretary write.
create policy students_select on public.students for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_teacher_of_student(organization_id, id)));
create policy students_insert on public.students for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy students_update on public.students for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy students_delete on public.students for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

-- enrollments: a teacher reads their sessions' rosters; admin and secretary write.
create policy enrollments_select on public.enrollments for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_session_teacher(organization_id, session_id)));
create policy enrollments_insert on public.enrollments for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy enrollments_update on public.enrollments for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy enrollments_delete on public.enrollments for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

-- attendance and grades: admin and secretary everywhere, a teacher in their own sessions.
create policy attendance_select on public.attendance for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_session_teacher(organization_id, session_id)));
create policy attendance_insert on public.attendance for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and ((select public.current_staff_role()) in ('admin', 'secretary')
                   or public.is_session_teacher(organization_id, session_id)));
create policy attendance_update on public.attendance for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary')
              or public.is_session_teacher(organization_id, session_id)))
  with check (organization_id = (select public.current_organization_id())
              and ((select public.current_staff_role()) in ('admin', 'secretary')
                   or public.is_session_teacher(organization_id, session_id)));
create policy attendance_delete on public.attendance for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary')
              or public.is_session_teacher(organization_id, session_id)));

create policy grades_select on public.grades for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_session_teacher(organization_id, session_id)));
create policy grades_insert on public.grades for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and ((select public.current_staff_role()) in ('admin', 'secretary')
                   or public.is_session_teacher(organization_id, session_id)));
create policy grades_update on public.grades for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary')
              or public.is_session_teacher(organization_id, session_id)))
  with check (organization_id = (select public.current_organization_id())
              and ((select public.current_staff_role()) in ('admin', 'secretary')
                   or public.is_session_teacher(organization_id, session_id)));
create policy grades_delete on public.grades for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary')
              or public.is_session_teacher(organization_id, session_id)));

-- change_log: admins read their organisation's history; rows are written by triggers only.
create policy change_log_select on public.change_log for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) = 'admin');
