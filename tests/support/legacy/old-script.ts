/**
 * The hand-run script of the French operator guide, modelled as the steps it runs in order.
 * Stopping it after a step gives the half-done states operators are left with: a backup copy
 * `formations_temp`, the old `programs` moved aside for an empty new one, a partly filled
 * `formations`, a `sessions` copy filled through an inner join (sessions without a programme
 * are missing), enrollments already renamed but pointing nowhere. `oldScriptToTheEnd` runs it
 * all, on data where it can finish.
 */
export const PARTIAL_STATES = ['temp-copy', 'programs-replaced', 'formations-partial', 'sessions-partial', 'fks-repointed'] as const;

export type PartialState = (typeof PARTIAL_STATES)[number];

/** The script's new, empty `programs` table (for real programmes). */
export const OLD_SCRIPT_NEW_PROGRAMS = `create table public.programs (
  id uuid default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id),
  code text not null,
  name text not null,
  description text,
  is_active boolean default true,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint programs_new_pkey primary key (id))`;

const steps: { state: PartialState; sql: string[] }[] = [
  {
    state: 'temp-copy',
    sql: ['create table public.formations_temp as select * from public.programs'],
  },
  {
    state: 'programs-replaced',
    sql: [
      'drop table public.formations_temp',
      'alter table public.programs rename to formations_temp',
      OLD_SCRIPT_NEW_PROGRAMS,
    ],
  },
  {
    state: 'formations-partial',
    sql: [
      `create table public.formations as select *, null::uuid as program_id from public.formations_temp with no data`,
      // The copy stopped half-way: one organisation's formations only.
      `insert into public.formations select *, null::uuid from public.formations_temp
        where organization_id = (select min(organization_id::text)::uuid from public.formations_temp)`,
    ],
  },
  {
    state: 'sessions-partial',
    sql: [
      `insert into public.formations select *, null::uuid from public.formations_temp
        where id not in (select id from public.formations)`,
      'create table public.sessions_temp as select * from public.program_sessions',
      `create table public.sessions as
        select ps.id, ps.program_id as formation_id, ps.name, ps.start_date, ps.end_date, ps.start_time, ps.end_time,
          ps.teacher_id, ps.location, ps.capacity_max, ps.status, ps.created_at, ps.updated_at
        from public.program_sessions ps with no data`,
      `insert into public.sessions
        select ps.id, ps.program_id, ps.name, ps.start_date, ps.end_date, ps.start_time, ps.end_time,
          ps.teacher_id, ps.location, ps.capacity_max, ps.status, ps.created_at, ps.updated_at
        from public.program_sessions ps join public.formations f on f.id = ps.program_id
        where ps.name < 'Session 3'`,
    ],
  },
  {
    state: 'fks-repointed',
    sql: [
      `insert into public.sessions
        select ps.id, ps.program_id, ps.name, ps.start_date, ps.end_date, ps.start_time, ps.end_time,
          ps.teacher_id, ps.location, ps.capacity_max, ps.status, ps.created_at, ps.updated_at
        from public.program_sessions ps join public.formations f on f.id = ps.program_id
        where ps.id not in (select id from public.sessions)`,
      'alter table public.sessions add primary key (id)',
      'alter table public.enrollments drop constraint enrollments_program_session_id_fkey',
      'alter table public.enrollments rename column program_session_id to session_id',
      // The guide's next statement, `add constraint … references sessions`, fails on the
      // enrollments of sessions the inner join dropped, and the script stops here.
    ],
  },
];

/** Runs the old script up to and including the step that leaves `state`. */
export function oldScriptUntil(state: PartialState): string[] {
  const last = PARTIAL_STATES.indexOf(state);
  return steps.slice(0, last + 1).flatMap((step) => step.sql);
}

/** The policies the script writes in place of every policy on enrollments, and on its new tables. */
function scriptPolicies(table: string, organisationOf: string): string[] {
  return [
    `alter table public.${table} enable row level security`,
    `create policy "${table}: read in own organization" on public.${table} for select
      using (${organisationOf} in (select u.organization_id from public.users u where u.id = auth.uid()))`,
    `create policy "${table}: staff manage" on public.${table} for all
      using (${organisationOf} in (select u.organization_id from public.users u where u.id = auth.uid() and u.role in ('admin', 'secretary')))`,
  ];
}

/**
 * What a database needs for the script to get to the end: sessions without a programme have no
 * enrollments (deleted here), and their attendance and grades point at no session.
 */
export const ORPHAN_CHILDREN_AWAY = [
  'delete from public.enrollments where program_session_id in (select id from public.program_sessions where program_id is null)',
  ...['attendance', 'grades'].map((table) =>
    `update public.${table} set program_session_id = null where program_session_id in (select id from public.program_sessions where program_id is null)`),
];

/**
 * The whole script, on a database where it gets to the end (ORPHAN_CHILDREN_AWAY first): no session without a programme
 * has enrollments (its new key on enrollments would refuse them), so the sessions its inner
 * join leaves out, and the columns its copy does not list (room_code), survive only in
 * sessions_temp. program_sessions is dropped, with the operator's policy on it.
 */
export function oldScriptToTheEnd(): string[] {
  const organisationOfSession = '(select f.organization_id from public.formations f where f.id = formation_id)';
  return [
    ...oldScriptUntil('fks-repointed'),
    'alter table public.formations add primary key (id)',
    'alter table public.formations add constraint formations_program_id_fkey foreign key (program_id) references public.programs (id)',
    'alter table public.sessions add constraint sessions_formation_id_fkey foreign key (formation_id) references public.formations (id)',
    'alter table public.enrollments add constraint enrollments_session_id_fkey foreign key (session_id) references public.sessions (id) on delete cascade',
    ...['attendance', 'grades'].flatMap((table) => [
      `alter table public.${table} drop constraint ${table}_program_session_id_fkey`,
      `alter table public.${table} rename column program_session_id to session_id`,
      `alter table public.${table} add constraint ${table}_session_id_fkey foreign key (session_id) references public.sessions (id) on delete set null`,
    ]),
    `do $$ declare r record; begin
      for r in select policyname from pg_policies where schemaname = 'public' and tablename = 'enrollments' loop
        execute format('drop policy %I on public.enrollments', r.policyname);
      end loop;
    end $$`,
    ...scriptPolicies('enrollments', '(select s.organization_id from public.students s where s.id = student_id)'),
    ...scriptPolicies('formations', 'organization_id'),
    ...scriptPolicies('sessions', organisationOfSession),
    ...['formations', 'sessions'].map((table) =>
      `create trigger update_${table}_updated_at before update on public.${table} for each row execute function public.update_updated_at_column()`),
    'drop table public.program_sessions cascade',
  ];
}
