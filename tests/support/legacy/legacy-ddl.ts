/**
 * The legacy EDUZEN schema (before the Programme → Formation → Session split), as production
 * databases have it: `programs` holds formations, sessions live in `program_sessions` (no
 * organization_id, nullable program_id), children point at them through `program_session_id`,
 * plain single-column foreign keys, Supabase-style policies reaching the organisation through
 * `users.organization_id` of auth.uid()'s row, and the operator's own tables, columns and policies.
 */
function legacyPolicies(table: string, organisationOf: string): string {
  const label = table.replace(/_/g, ' ');
  return `
alter table public.${table} enable row level security;
create policy "Users can view ${label} in their organization" on public.${table} for select
  using (${organisationOf} in (select u.organization_id from public.users u where u.id = auth.uid()));
create policy "Admins can manage ${label}" on public.${table} for all
  using (${organisationOf} in (select u.organization_id from public.users u where u.id = auth.uid() and u.role in ('admin', 'secretary')));
`;
}

function updatedAtTrigger(table: string): string {
  return `create trigger update_${table}_updated_at before update on public.${table}
  for each row execute function public.update_updated_at_column();\n`;
}

export const LEGACY_DDL = `
create or replace function public.update_updated_at_column() returns trigger language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end
$$;

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  name text not null,
  country text not null default 'FR',
  currency text not null default 'EUR',
  logo_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null,
  full_name text,
  role text not null default 'staff' check (role in ('admin', 'secretary', 'teacher', 'staff')),
  is_active boolean not null default true,
  phone text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_users_organization_id on public.users (organization_id);

create table public.students (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  student_number text,
  first_name text not null,
  last_name text not null,
  email text,
  phone text,
  date_of_birth date,
  status text not null default 'active',
  address text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_students_organization_id on public.students (organization_id);

create table public.programs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  code text not null,
  name text not null,
  subtitle text,
  description text,
  category text,
  duration_hours numeric(7, 2),
  price numeric(10, 2),
  currency text not null default 'EUR',
  payment_plan text,
  prerequisites text,
  capacity_max integer,
  age_min integer,
  age_max integer,
  modalities text,
  pedagogical_objectives text,
  eligible_cpf boolean not null default false,
  cpf_code text,
  certification_issued boolean not null default false,
  photo_url text,
  is_active boolean not null default true,
  legacy_reference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, code)
);
create index idx_programs_organization_id on public.programs (organization_id);

create table public.program_sessions (
  id uuid primary key default gen_random_uuid(),
  program_id uuid references public.programs (id) on delete set null,
  name text not null,
  start_date date not null,
  end_date date not null,
  start_time time not null default '09:00',
  end_time time not null default '17:00',
  teacher_id uuid references public.users (id) on delete set null,
  location text,
  capacity_max integer check (capacity_max is null or capacity_max > 0),
  status text not null default 'planned' check (status in ('planned', 'ongoing', 'completed', 'cancelled')),
  room_code text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_program_sessions_program_id on public.program_sessions (program_id);

create table public.enrollments (
  id uuid primary key default gen_random_uuid(),
  program_session_id uuid not null references public.program_sessions (id) on delete cascade,
  student_id uuid not null references public.students (id) on delete cascade,
  status text not null default 'confirmed'
    check (status in ('pending', 'confirmed', 'waitlisted', 'cancelled', 'completed')),
  enrollment_date date not null default current_date,
  payment_status text not null default 'pending',
  amount_due numeric(10, 2),
  amount_paid numeric(10, 2) not null default 0,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (program_session_id, student_id)
);
create index idx_enrollments_student_id on public.enrollments (student_id);

create table public.attendance (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_session_id uuid references public.program_sessions (id) on delete set null,
  student_id uuid not null references public.students (id) on delete cascade,
  date date not null,
  status text not null check (status in ('present', 'absent', 'late', 'excused')),
  late_minutes integer,
  notes text,
  recorded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (program_session_id, student_id, date)
);

create table public.grades (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_session_id uuid references public.program_sessions (id) on delete set null,
  student_id uuid not null references public.students (id) on delete cascade,
  subject text not null,
  assessment_type text,
  score numeric(6, 2) not null,
  max_score numeric(6, 2) not null default 20,
  coefficient numeric(5, 2) not null default 1,
  appreciation text,
  graded_at timestamptz not null default now(),
  graded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The operator's own table, unknown to EDUZEN, pointing at sessions.
create table public.session_documents (
  id uuid primary key default gen_random_uuid(),
  program_session_id uuid not null references public.program_sessions (id) on delete cascade,
  title text not null,
  created_at timestamptz not null default now()
);

${['organizations', 'users', 'students', 'programs', 'program_sessions', 'enrollments', 'attendance', 'grades'].map(updatedAtTrigger).join('')}
${legacyPolicies('organizations', 'id')}
${legacyPolicies('users', 'organization_id')}
${legacyPolicies('students', 'organization_id')}
${legacyPolicies('programs', 'organization_id')}
${legacyPolicies('program_sessions', '(select p.organization_id from public.programs p where p.id = program_id)')}
${legacyPolicies('enrollments', '(select s.organization_id from public.students s where s.id = student_id)')}
${legacyPolicies('attendance', 'organization_id')}
${legacyPolicies('grades', 'organization_id')}

-- The operator's own policies: kept by the upgrade.
create policy "Auditors read students" on public.students for select to authenticated
  using (exists (select 1 from public.users u where u.id = auth.uid() and u.role = 'admin'));
create policy "Anyone sees planned sessions" on public.program_sessions for select to anon
  using (status = 'planned');

grant all on all tables in schema public to anon, authenticated, service_role;
`;
