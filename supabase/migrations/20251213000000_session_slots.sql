-- Session slots: the schedule of a session, and the unit of attendance (and, later, signature).
--
-- A slot is one dated stretch of training: a date, a start and an end time, a part of the day
-- (morning, afternoon, evening; a day that spans lunch is two slots), a place or a virtual room
-- (null: the session's location), a module title, its trainers (none: the session's trainer),
-- and a status (planned, held, cancelled with a reason). A session may have no slot yet.
--
-- Before this migration every session was a full day of two half-days on each weekday between
-- its dates (am: start_time -> am_end_time, pm: pm_start_time -> end_time), and attendance was
-- keyed by (date, am|pm). Here every such half-day becomes a slot with the session's hours,
-- and every mark points at its slot, including marks on a day that was not one of the
-- session's half-days (a weekend, outside its dates): a slot is made for those too, so nothing
-- is lost. The half-day columns of sessions then go away.
--
-- attendance.date stays: it is the date of the mark's slot (kept equal by a trigger), and the
-- only date of legacy marks whose session is gone (session_id and slot_id null).

-- The organisation's usual hours, the defaults of slot generation ---------------------------

alter table public.organizations
  add column morning_start time not null default '09:00',
  add column morning_end time not null default '12:30',
  add column afternoon_start time not null default '13:30',
  add column afternoon_end time not null default '17:00',
  add column evening_start time not null default '18:00',
  add column evening_end time not null default '21:00',
  add constraint organizations_day_hours_check
    check (morning_start < morning_end and morning_end <= afternoon_start
           and afternoon_start < afternoon_end and afternoon_end <= evening_start
           and evening_start < evening_end);

-- Slots --------------------------------------------------------------------------------------

create table public.session_slots (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  session_id uuid not null,
  date date not null,
  start_time time not null,
  end_time time not null,
  part_of_day text not null,
  location text,
  virtual_room_url text,
  module_title text,
  status text not null default 'planned',
  cancellation_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_slots_organization_id_id_key unique (organization_id, id),
  constraint session_slots_organization_id_session_id_id_key unique (organization_id, session_id, id),
  constraint session_slots_session_fkey foreign key (organization_id, session_id)
    references public.sessions (organization_id, id) on delete cascade,
  constraint session_slots_times_check check (start_time < end_time),
  constraint session_slots_part_of_day_check check (part_of_day in ('morning', 'afternoon', 'evening')),
  constraint session_slots_status_check check (status in ('planned', 'held', 'cancelled')),
  constraint session_slots_cancellation_reason_check
    check (cancellation_reason is null or status = 'cancelled')
);

create index session_slots_organization_id_session_id_date_idx
  on public.session_slots (organization_id, session_id, date, start_time);
create index session_slots_organization_id_date_idx
  on public.session_slots (organization_id, date, start_time);

create trigger session_slots_set_updated_at before update on public.session_slots
  for each row execute function public.set_updated_at();

-- A slot's trainers, each with a role; a slot without any is trained by the session's trainer.
create table public.session_slot_trainers (
  organization_id uuid not null references public.organizations (id) on delete restrict,
  slot_id uuid not null,
  user_id uuid not null,
  role text not null default 'lead',
  created_at timestamptz not null default now(),
  constraint session_slot_trainers_pkey primary key (organization_id, slot_id, user_id),
  constraint session_slot_trainers_slot_fkey foreign key (organization_id, slot_id)
    references public.session_slots (organization_id, id) on delete cascade,
  constraint session_slot_trainers_user_fkey foreign key (organization_id, user_id)
    references public.users (organization_id, id) on delete cascade,
  constraint session_slot_trainers_role_check check (role in ('lead', 'co_trainer', 'assistant'))
);

create index session_slot_trainers_organization_id_user_id_idx
  on public.session_slot_trainers (organization_id, user_id);

-- Every half-day of every session becomes a slot ---------------------------------------------

insert into public.session_slots (organization_id, session_id, date, start_time, end_time, part_of_day)
select s.organization_id, s.id, s.start_date + day, half.start_time, half.end_time, half.part_of_day
from public.sessions s
-- Whole days from the start date (integers: no time zone can skip or repeat a day).
cross join lateral generate_series(0, s.end_date - s.start_date) as day
cross join lateral (values
  ('morning', s.start_time, s.am_end_time),
  ('afternoon', s.pm_start_time, s.end_time)
) as half (part_of_day, start_time, end_time)
where extract(isodow from s.start_date + day) < 6
  -- Whole minutes, as the previous release counted them: 09:00:00–09:00:30 was no half-day.
  and date_trunc('minute', half.start_time::interval) < date_trunc('minute', half.end_time::interval);

-- Marks on a half-day the session did not have (a weekend, a date outside the session, a
-- half-day of zero minutes) get a slot of their own: the half-day's hours when it has some
-- (in whole minutes), else the session's whole day, else the former defaults of that half-day.
insert into public.session_slots (organization_id, session_id, date, start_time, end_time, part_of_day)
select m.organization_id, m.session_id, m.date,
  case when m.slot = 'am' and held.morning then s.start_time when m.slot = 'pm' and held.afternoon then s.pm_start_time
       when held.day then s.start_time when m.slot = 'am' then time '09:00' else time '13:30' end,
  case when m.slot = 'am' and held.morning then s.am_end_time when m.slot = 'pm' and held.afternoon then s.end_time
       when held.day then s.end_time when m.slot = 'am' then time '12:30' else time '17:00' end,
  case m.slot when 'am' then 'morning' else 'afternoon' end
-- A set difference on the whole key: the half-days marked that have no slot yet.
from (
  select organization_id, session_id, date, slot from public.attendance where session_id is not null
  except
  select organization_id, session_id, date, case part_of_day when 'morning' then 'am' else 'pm' end from public.session_slots
) as m
join public.sessions s on s.organization_id = m.organization_id and s.id = m.session_id
cross join lateral (select
  date_trunc('minute', s.start_time::interval) < date_trunc('minute', s.am_end_time::interval) as morning,
  date_trunc('minute', s.pm_start_time::interval) < date_trunc('minute', s.end_time::interval) as afternoon,
  date_trunc('minute', s.start_time::interval) < date_trunc('minute', s.end_time::interval) as day) as held;

-- Every mark points at its slot. This is a change of shape, not a user's change: the change
-- log and updated_at are left as they were. The former key goes first: one index fewer to
-- update for every row.
alter table public.attendance
  add column slot_id uuid,
  drop constraint attendance_session_student_date_slot_key;

alter table public.attendance disable trigger attendance_record_change;
alter table public.attendance disable trigger attendance_set_updated_at;

update public.attendance a
set slot_id = x.id
from public.session_slots x
where x.organization_id = a.organization_id and x.session_id = a.session_id and x.date = a.date
  and x.part_of_day = case a.slot when 'am' then 'morning' else 'afternoon' end;

alter table public.attendance enable trigger attendance_record_change;
alter table public.attendance enable trigger attendance_set_updated_at;

alter table public.attendance
  drop constraint attendance_slot_check,
  drop column slot,
  add constraint attendance_slot_fkey foreign key (organization_id, session_id, slot_id)
    references public.session_slots (organization_id, session_id, id) on delete restrict,
  add constraint attendance_slot_id_student_id_key unique (organization_id, slot_id, student_id),
  add constraint attendance_slot_id_check check ((slot_id is null) = (session_id is null));

-- The date of a mark is its slot's date.
create or replace function public.attendance_set_date() returns trigger
  language plpgsql
  security definer
  set search_path = public, pg_temp
  as $$
begin
  -- A slot of another organisation is not found: the date stays, and the foreign key refuses the row.
  if new.slot_id is not null then
    new.date := coalesce((select x.date from public.session_slots x
      where x.organization_id = new.organization_id and x.id = new.slot_id), new.date);
  end if;
  return new;
end
$$;

create trigger attendance_set_date before insert or update of slot_id, date on public.attendance
  for each row execute function public.attendance_set_date();

-- Moving a slot moves the date of its marks with it.
create or replace function public.session_slots_carry_date() returns trigger
  language plpgsql
  security definer
  set search_path = public, pg_temp
  as $$
begin
  update public.attendance a set date = new.date
    where a.organization_id = new.organization_id and a.slot_id = new.id and a.date is distinct from new.date;
  return null;
end
$$;

create trigger session_slots_carry_date after update of date on public.session_slots
  for each row when (old.date is distinct from new.date)
  execute function public.session_slots_carry_date();

revoke all on function public.attendance_set_date() from public;
revoke all on function public.session_slots_carry_date() from public;

-- The half-day columns of sessions go away: the slots are the schedule ------------------------
-- Their values are kept, one row per session that existed before slots, so that nothing is
-- lost (a session whose dates hold no weekday got no slot) and an upgrade's verification can
-- still find every legacy value.

create table public.session_former_hours (
  organization_id uuid not null,
  session_id uuid not null,
  start_time time,
  am_end_time time,
  pm_start_time time,
  end_time time,
  constraint session_former_hours_pkey primary key (organization_id, session_id),
  constraint session_former_hours_session_fkey foreign key (organization_id, session_id)
    references public.sessions (organization_id, id) on delete cascade
);

insert into public.session_former_hours (organization_id, session_id, start_time, am_end_time, pm_start_time, end_time)
select organization_id, id, start_time, am_end_time, pm_start_time, end_time from public.sessions;

alter table public.sessions
  drop constraint sessions_times_check,
  drop column start_time,
  drop column am_end_time,
  drop column pm_start_time,
  drop column end_time;

-- Marking attendance holds the session row against a change of its schedule (moving or
-- cancelling a slot locks the row FOR UPDATE) until the marks are written. A teacher may not
-- update sessions, so row-level security would hide the row from their FOR SHARE: this function
-- takes the lock for any staff member, on a session of their own organisation only.
create or replace function public.lock_session_schedule(p_organization_id uuid, p_session_id uuid)
  returns void
  language plpgsql security definer
  set search_path = public, pg_temp
  as $$
begin
  if p_organization_id is distinct from public.current_organization_id() then
    return;
  end if;
  perform 1 from public.sessions s
    where s.organization_id = p_organization_id and s.id = p_session_id
    for share;
end
$$;

revoke all on function public.lock_session_schedule(uuid, uuid) from public;
grant execute on function public.lock_session_schedule(uuid, uuid) to authenticated, service_role;

-- Row-level security --------------------------------------------------------------------------

grant select, insert, update, delete on public.session_slots, public.session_slot_trainers to authenticated;
grant select on public.session_former_hours to authenticated;
grant all on public.session_slots, public.session_slot_trainers, public.session_former_hours to service_role;

alter table public.session_slots enable row level security;
alter table public.session_slot_trainers enable row level security;
alter table public.session_former_hours enable row level security;

-- former hours: read like the sessions they belong to; written only by this migration.
create policy session_former_hours_select on public.session_former_hours for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_session_teacher(organization_id, session_id)));

-- slots: staff read all; a teacher the slots of the sessions they train (as for the sessions
-- themselves: a teacher's scope is sessions.teacher_id); admin and secretary write.
create policy session_slots_select on public.session_slots for select to authenticated
  using (organization_id = (select public.current_organization_id())
         and ((select public.current_staff_role()) in ('admin', 'secretary', 'staff')
              or public.is_session_teacher(organization_id, session_id)));
create policy session_slots_insert on public.session_slots for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy session_slots_update on public.session_slots for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy session_slots_delete on public.session_slots for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));

-- slot trainers: every staff member reads who trains what (as they read their colleagues);
-- admin and secretary assign them.
create policy session_slot_trainers_select on public.session_slot_trainers for select to authenticated
  using (organization_id = (select public.current_organization_id()));
create policy session_slot_trainers_insert on public.session_slot_trainers for insert to authenticated
  with check (organization_id = (select public.current_organization_id())
              and (select public.current_staff_role()) in ('admin', 'secretary'));
create policy session_slot_trainers_update on public.session_slot_trainers for update to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'))
  with check (organization_id = (select public.current_organization_id()));
create policy session_slot_trainers_delete on public.session_slot_trainers for delete to authenticated
  using (organization_id = (select public.current_organization_id())
         and (select public.current_staff_role()) in ('admin', 'secretary'));
