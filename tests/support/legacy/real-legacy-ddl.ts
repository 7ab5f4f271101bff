/**
 * What real legacy EDUZEN databases hold, as changes to LEGACY_DDL (run after it): the value
 * lists of their CHECK constraints, the columns they leave nullable, the keys they lack and the
 * column types they were created with. Sources: decision 013 (the legacy migrations and
 * application code of the original EDUZEN repository) and issue 12.
 *
 * The auth schema of these databases is Supabase Auth's own (tests/support/gotrue/auth-schema.sql),
 * run before the shim and LEGACY_DDL.
 */
export const REAL_LEGACY_DDL = `
-- Staff and non-staff roles of the legacy RBAC, policies and sign-up sync (decision 013).
alter table public.users drop constraint users_role_check;
alter table public.users add constraint users_role_check check (role in (
  'super_admin', 'admin', 'secretary', 'accountant', 'teacher', 'student', 'parent', 'support', 'finance', 'user', 'staff'));

-- The application's StudentStatus, on a nullable column (types/database.types.ts).
alter table public.students alter column status drop not null;
alter table public.students add constraint students_status_check
  check (status in ('active', 'inactive', 'graduated', 'suspended', 'dropped'));

alter table public.enrollments add constraint enrollments_payment_status_check
  check (payment_status in ('pending', 'partial', 'paid', 'refunded', 'waived', 'overdue'));

-- The legacy payment plans and durations of formations (20241115000001).
alter table public.programs add constraint programs_payment_plan_check
  check (payment_plan in ('full', 'installment', 'custom'));
alter table public.programs alter column duration_hours type integer;

-- Sessions with no hours, or any hours.
alter table public.program_sessions alter column start_time drop not null, alter column start_time drop default;
alter table public.program_sessions alter column end_time drop not null, alter column end_time drop default;

-- Attendance kept per day, several rows for one learner and day; its geolocation (20241202000026).
alter table public.attendance drop constraint attendance_program_session_id_student_id_date_key;
alter table public.attendance add column location_method text
  check (location_method in ('manual', 'qr_code', 'gps', 'ip'));
alter table public.attendance add column latitude numeric(10, 8);
alter table public.attendance add column longitude numeric(11, 8);

-- Grades: assessment types of 20251222000003, nullable max score of 20251222000004, old types.
alter table public.grades add constraint grades_assessment_type_check check (assessment_type in (
  'pre_formation', 'hot', 'cold', 'manager', 'instructor', 'funder', 'quiz', 'exam', 'project', 'other'));
alter table public.grades alter column max_score drop not null;
alter table public.grades alter column score type numeric(5, 2);
alter table public.grades alter column graded_at drop default;
alter table public.grades alter column graded_at type date;
alter table public.grades alter column graded_at set default current_date;
`;
