/**
 * The comparison: the operator guide's copy-based script, run to its end on the same data.
 * It follows the script's steps as tests/support/legacy/old-script.ts models them (the states it
 * leaves when it stops half-way are that file's): a backup copy `formations_temp`, the legacy
 * `programs` moved aside for a new empty one, `formations` filled by INSERT … SELECT, a backup
 * copy `sessions_temp`, `sessions` filled by INSERT … SELECT, keys, checks and indexes of the
 * copies, each child's key dropped, renamed and re-added (and so re-checked), every policy on
 * `enrollments` dropped and rewritten, policies and `updated_at` triggers on the new tables, and
 * `program_sessions` dropped. The SQL editor runs the paste as one transaction, so from the first
 * exclusive lock (the rename of `programs`) to the commit, the tables stay locked.
 *
 * Two departures, so that both migrations end with the same rows: sessions are copied through a
 * LEFT JOIN (the script's inner join drops those without a programme, and the re-added keys of
 * their enrollments then fail), and every column is carried (the script lists the ones it knows).
 */
import pg from 'pg';
import { OLD_SCRIPT_NEW_PROGRAMS } from '../../tests/support/legacy/old-script';

const CHILDREN = ['enrollments', 'attendance', 'grades', 'session_documents'] as const;
const SESSION_COLUMNS = 'id, formation_id, organization_id, name, start_date, end_date, start_time, end_time, teacher_id, location, capacity_max, status, room_code, created_at, updated_at';
const BY_ORGANISATION = '(organization_id in (select u.organization_id from public.users u where u.id = auth.uid()))';

function policiesAndTrigger(table: string, organisationOf: string = BY_ORGANISATION): string[] {
  return [
    `alter table public.${table} enable row level security`,
    `create policy "Users can view ${table} in their organization" on public.${table} for select using ${organisationOf}`,
    `create policy "Admins can manage ${table}" on public.${table} for all using ${organisationOf}`,
    `create trigger update_${table}_updated_at before update on public.${table} for each row execute function public.update_updated_at_column()`,
  ];
}

/** Statements before the first exclusive lock (a copy reads under a share lock only). */
const BEFORE_LOCK = ['create table public.formations_temp as select * from public.programs'];

const UNDER_LOCK = [
  'drop table public.formations_temp',
  'alter table public.programs rename to formations_temp',
  OLD_SCRIPT_NEW_PROGRAMS,
  ...policiesAndTrigger('programs'),

  'create table public.formations as select *, null::uuid as program_id from public.formations_temp with no data',
  'insert into public.formations select *, null::uuid from public.formations_temp',
  'alter table public.formations add primary key (id)',
  'alter table public.formations add unique (organization_id, code)',
  'alter table public.formations add foreign key (organization_id) references public.organizations (id) on delete cascade',
  'alter table public.formations add foreign key (program_id) references public.programs (id) on delete set null',
  'create index idx_formations_organization_id on public.formations (organization_id)',
  'create index idx_formations_program_id on public.formations (program_id)',
  ...policiesAndTrigger('formations'),

  'create table public.sessions_temp as select * from public.program_sessions',
  `create table public.sessions as
    select ps.id, ps.program_id as formation_id, f.organization_id, ps.name, ps.start_date, ps.end_date, ps.start_time, ps.end_time,
      ps.teacher_id, ps.location, ps.capacity_max, ps.status, ps.room_code, ps.created_at, ps.updated_at
    from public.program_sessions ps left join public.formations f on f.id = ps.program_id with no data`,
  `insert into public.sessions (${SESSION_COLUMNS})
    select ps.id, ps.program_id, f.organization_id, ps.name, ps.start_date, ps.end_date, ps.start_time, ps.end_time,
      ps.teacher_id, ps.location, ps.capacity_max, ps.status, ps.room_code, ps.created_at, ps.updated_at
    from public.program_sessions ps left join public.formations f on f.id = ps.program_id`,
  'alter table public.sessions add primary key (id)',
  'alter table public.sessions alter column id set default gen_random_uuid()',
  'alter table public.sessions add foreign key (formation_id) references public.formations (id) on delete set null',
  'alter table public.sessions add foreign key (organization_id) references public.organizations (id) on delete cascade',
  'alter table public.sessions add foreign key (teacher_id) references public.users (id) on delete set null',
  `alter table public.sessions add check (capacity_max is null or capacity_max > 0)`,
  `alter table public.sessions add check (status in ('planned', 'ongoing', 'completed', 'cancelled'))`,
  'create index idx_sessions_formation_id on public.sessions (formation_id)',
  'create index idx_sessions_organization_id on public.sessions (organization_id)',
  ...policiesAndTrigger('sessions'),

  ...CHILDREN.flatMap((table) => [
    `alter table public.${table} drop constraint ${table}_program_session_id_fkey`,
    `alter table public.${table} rename column program_session_id to session_id`,
    `alter table public.${table} add constraint ${table}_session_id_fkey foreign key (session_id) references public.sessions (id) on delete cascade`,
  ]),

  // Every policy on enrollments goes, and the script's own come in their place.
  `do $$
  declare r record;
  begin
    for r in select policyname from pg_policies where schemaname = 'public' and tablename = 'enrollments' loop
      execute format('drop policy %I on public.enrollments', r.policyname);
    end loop;
  end
  $$`,
  ...['select', 'insert', 'update', 'delete'].map(
    (command) =>
      `create policy "Users can ${command} enrollments in their organization" on public.enrollments for ${command}
        ${command === 'insert' ? 'with check' : 'using'} (session_id in (select s.id from public.sessions s
          where s.organization_id in (select u.organization_id from public.users u where u.id = auth.uid())))`,
  ),

  'drop table public.program_sessions cascade',
];

export const COPY_MIGRATION_SQL = ['begin', ...BEFORE_LOCK, ...UNDER_LOCK, 'commit'];

export type CopyTiming = { lockedMs: number; totalMs: number };

/** The script's time: all of it, and the part under exclusive lock (first exclusive statement to commit). */
export async function runCopyMigration(databaseUrl: string): Promise<CopyTiming> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('begin');
    for (const statement of BEFORE_LOCK) await client.query(statement);
    const locked = performance.now();
    // One round trip, as the SQL editor sends the paste: the time is the server's work.
    await client.query([...UNDER_LOCK, 'commit'].join(';\n'));
    const ended = performance.now();
    return { lockedMs: ended - locked, totalMs: ended - started };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
