-- EDUZEN product schema: Programme -> Formation -> Session, with students, enrollments,
-- attendance (per date and half-day) and grades.
--
-- Every tenant table carries organization_id. Foreign keys between tenant tables carry it too,
-- against a unique (organization_id, id) on the parent: Postgres checks foreign keys without
-- row-level security, so a plain key would let one organisation point at another's rows.
-- Parents with children refuse deletion (restrict); only optional links empty themselves
-- (on delete set null of the link column alone, which keeps organization_id).

create or replace function public.set_updated_at() returns trigger
  language plpgsql
  as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Organisations ----------------------------------------------------------------------------

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  code text not null,
  name text not null,
  country text not null default 'FR',
  currency text not null default 'EUR',
  language text not null default 'fr',
  timezone text not null default 'Europe/Paris',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_code_key unique (code),
  constraint organizations_code_check check (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$'),
  constraint organizations_name_check check (length(btrim(name)) > 0),
  constraint organizations_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint organizations_language_check check (language in ('fr', 'en'))
);

create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function public.set_updated_at();

-- Staff (users of the product; id is the auth.users id) -------------------------------------

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete restrict,
  email text not null,
  full_name text,
  role text not null default 'staff',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_organization_id_id_key unique (organization_id, id),
  constraint users_organization_id_email_key unique (organization_id, email),
  constraint users_role_check check (role in ('admin', 'secretary', 'teacher', 'staff'))
);

create index users_organization_id_role_idx on public.users (organization_id, role);

create trigger users_set_updated_at before update on public.users
  for each row execute function public.set_updated_at();

-- Learners -----------------------------------------------------------------------------------

create table public.students (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  student_number text,
  first_name text not null,
  last_name text not null,
  email text,
  phone text,
  date_of_birth date,
  employer text,
  status text not null default 'active',
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint students_organization_id_id_key unique (organization_id, id),
  constraint students_organization_id_student_number_key unique (organization_id, student_number),
  constraint students_status_check check (status in ('active', 'inactive', 'graduated', 'suspended'))
);

create index students_organization_id_last_name_idx
  on public.students (organization_id, last_name, first_name);

create trigger students_set_updated_at before update on public.students
  for each row execute function public.set_updated_at();

-- Catalogue: programmes --------------------------------------------------------------------

create table public.programs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  code text not null,
  name text not null,
  description text,
  category text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint programs_organization_id_id_key unique (organization_id, id),
  constraint programs_organization_id_code_key unique (organization_id, code)
);

create trigger programs_set_updated_at before update on public.programs
  for each row execute function public.set_updated_at();

-- Catalogue: formations (the legacy `programs` rows live here) ------------------------------

create table public.formations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  program_id uuid,
  code text not null,
  name text not null,
  subtitle text,
  description text,
  category text,
  duration_hours numeric(7, 2),
  duration_days integer,
  duration_unit text,
  price numeric(10, 2),
  currency text not null default 'EUR',
  payment_plan text,
  prerequisites text,
  capacity_max integer,
  age_min integer,
  age_max integer,
  modalities text,
  pedagogical_objectives text,
  training_content text,
  eligible_cpf boolean not null default false,
  cpf_code text,
  certification_issued boolean not null default false,
  photo_url text,
  published_online boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint formations_organization_id_id_key unique (organization_id, id),
  constraint formations_organization_id_code_key unique (organization_id, code),
  constraint formations_program_fkey foreign key (organization_id, program_id)
    references public.programs (organization_id, id) on delete set null (program_id),
  constraint formations_duration_hours_check check (duration_hours is null or duration_hours >= 0),
  constraint formations_duration_days_check check (duration_days is null or duration_days >= 0),
  constraint formations_duration_unit_check
    check (duration_unit is null or duration_unit in ('hours', 'days', 'weeks', 'months')),
  constraint formations_price_check check (price is null or price >= 0),
  constraint formations_capacity_max_check check (capacity_max is null or capacity_max > 0),
  constraint formations_age_check check (age_min is null or age_max is null or age_min <= age_max)
);

create index formations_organization_id_program_id_idx
  on public.formations (organization_id, program_id);

create trigger formations_set_updated_at before update on public.formations
  for each row execute function public.set_updated_at();

-- Sessions: one dated run of a formation ----------------------------------------------------
-- A day has two addressable half-days: `am` from start_time to am_end_time, `pm` from
-- pm_start_time to end_time. Attendance and future signature slots hang off (date, slot).

create table public.sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  formation_id uuid not null,
  name text not null,
  start_date date not null,
  end_date date not null,
  start_time time not null default '09:00',
  am_end_time time not null default '12:30',
  pm_start_time time not null default '13:30',
  end_time time not null default '17:00',
  teacher_id uuid,
  location text,
  capacity_max integer,
  status text not null default 'planned',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint sessions_organization_id_id_key unique (organization_id, id),
  constraint sessions_formation_fkey foreign key (organization_id, formation_id)
    references public.formations (organization_id, id) on delete restrict,
  constraint sessions_teacher_fkey foreign key (organization_id, teacher_id)
    references public.users (organization_id, id) on delete set null (teacher_id),
  constraint sessions_dates_check check (start_date <= end_date),
  constraint sessions_times_check
    check (start_time <= am_end_time and am_end_time <= pm_start_time and pm_start_time <= end_time),
  constraint sessions_capacity_max_check check (capacity_max is null or capacity_max > 0),
  constraint sessions_status_check check (status in ('planned', 'ongoing', 'completed', 'cancelled'))
);

create index sessions_organization_id_formation_id_idx
  on public.sessions (organization_id, formation_id);
create index sessions_organization_id_teacher_id_idx
  on public.sessions (organization_id, teacher_id);
create index sessions_organization_id_start_date_idx
  on public.sessions (organization_id, start_date);

create trigger sessions_set_updated_at before update on public.sessions
  for each row execute function public.set_updated_at();

-- Enrollments: a student in a session ------------------------------------------------------
-- learner_category and funding_scheme are recorded as they were when the enrollment was made.

create table public.enrollments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  session_id uuid not null,
  student_id uuid not null,
  status text not null default 'confirmed',
  enrollment_date date not null default current_date,
  enrolled_at timestamptz not null default clock_timestamp(),
  cancelled_at timestamptz,
  learner_category text,
  funding_scheme text,
  payment_status text not null default 'pending',
  amount_due numeric(10, 2),
  amount_paid numeric(10, 2) not null default 0,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint enrollments_organization_id_id_key unique (organization_id, id),
  constraint enrollments_session_id_student_id_key unique (organization_id, session_id, student_id),
  constraint enrollments_session_fkey foreign key (organization_id, session_id)
    references public.sessions (organization_id, id) on delete restrict,
  constraint enrollments_student_fkey foreign key (organization_id, student_id)
    references public.students (organization_id, id) on delete restrict,
  constraint enrollments_status_check
    check (status in ('pending', 'confirmed', 'waitlisted', 'cancelled', 'completed')),
  constraint enrollments_payment_status_check
    check (payment_status in ('pending', 'partial', 'paid', 'refunded', 'waived')),
  constraint enrollments_amounts_check
    check ((amount_due is null or amount_due >= 0) and amount_paid >= 0)
);

create index enrollments_organization_id_student_id_idx
  on public.enrollments (organization_id, student_id);
create index enrollments_organization_id_session_id_status_idx
  on public.enrollments (organization_id, session_id, status, enrolled_at);

create trigger enrollments_set_updated_at before update on public.enrollments
  for each row execute function public.set_updated_at();

-- Attendance: per student, per date and half-day -------------------------------------------
-- session_id may be null: legacy databases hold rows whose session is gone, kept as they are.

create table public.attendance (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  session_id uuid,
  student_id uuid not null,
  date date not null,
  slot text not null default 'am',
  status text not null,
  late_minutes integer,
  notes text,
  recorded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint attendance_organization_id_id_key unique (organization_id, id),
  constraint attendance_session_student_date_slot_key
    unique (organization_id, session_id, student_id, date, slot),
  constraint attendance_session_fkey foreign key (organization_id, session_id)
    references public.sessions (organization_id, id) on delete restrict,
  constraint attendance_student_fkey foreign key (organization_id, student_id)
    references public.students (organization_id, id) on delete restrict,
  constraint attendance_slot_check check (slot in ('am', 'pm')),
  constraint attendance_status_check check (status in ('present', 'absent', 'late', 'excused')),
  constraint attendance_late_minutes_check
    check (late_minutes is null or (status = 'late' and late_minutes between 0 and 600))
);

create index attendance_organization_id_student_id_idx
  on public.attendance (organization_id, student_id);

create trigger attendance_set_updated_at before update on public.attendance
  for each row execute function public.set_updated_at();

-- Grades -------------------------------------------------------------------------------------

create table public.grades (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  session_id uuid,
  student_id uuid not null,
  subject text not null,
  assessment_type text,
  score numeric(6, 2) not null,
  max_score numeric(6, 2) not null default 20,
  coefficient numeric(5, 2) not null default 1,
  appreciation text,
  graded_at timestamptz not null default now(),
  graded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint grades_organization_id_id_key unique (organization_id, id),
  constraint grades_session_fkey foreign key (organization_id, session_id)
    references public.sessions (organization_id, id) on delete restrict,
  constraint grades_student_fkey foreign key (organization_id, student_id)
    references public.students (organization_id, id) on delete restrict,
  constraint grades_score_check check (score >= 0 and score <= max_score),
  constraint grades_max_score_check check (max_score > 0),
  constraint grades_coefficient_check check (coefficient > 0)
);

create index grades_organization_id_session_id_student_id_idx
  on public.grades (organization_id, session_id, student_id);
create index grades_organization_id_student_id_idx
  on public.grades (organization_id, student_id);

create trigger grades_set_updated_at before update on public.grades
  for each row execute function public.set_updated_at();

-- Change history of attendance and grades: who changed what, and when ------------------------

create table public.change_log (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete restrict,
  table_name text not null,
  row_id uuid not null,
  operation text not null,
  old_values jsonb,
  new_values jsonb,
  changed_by uuid,
  changed_at timestamptz not null default now(),
  constraint change_log_operation_check check (operation in ('INSERT', 'UPDATE', 'DELETE'))
);

create index change_log_organization_id_row_idx
  on public.change_log (organization_id, table_name, row_id, changed_at);

create or replace function public.record_change() returns trigger
  language plpgsql
  security definer
  set search_path = public, pg_temp
  as $$
declare
  changed record := coalesce(new, old);
begin
  insert into public.change_log (organization_id, table_name, row_id, operation, old_values, new_values, changed_by)
  values (
    changed.organization_id,
    tg_table_name,
    changed.id,
    tg_op,
    case when tg_op = 'INSERT' then null else to_jsonb(old) end,
    case when tg_op = 'DELETE' then null else to_jsonb(new) end,
    auth.uid()
  );
  return null;
end
$$;

create trigger attendance_record_change after insert or update or delete on public.attendance
  for each row execute function public.record_change();
create trigger grades_record_change after insert or update or delete on public.grades
  for each row execute function public.record_change();
