import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { likePattern } from '../../shared/database-errors';
import type { CreateSession, ListSessionsQuery, ListTrainersQuery, UpdateSession } from './session.schemas';

/** Statuses of an enrollment that holds a seat. */
export const SEAT_HOLDING_STATUSES = ['pending', 'confirmed', 'completed'] as const;

function countEnrollments(eb: ExpressionBuilder<Database, 'sessions'>, statuses: readonly string[]) {
  return eb.selectFrom('enrollments')
    .select(eb.fn.countAll<number>().as('n'))
    .whereRef('enrollments.organization_id', '=', 'sessions.organization_id')
    .whereRef('enrollments.session_id', '=', 'sessions.id')
    .where('enrollments.status', 'in', statuses);
}

/** Sessions with their formation, programme and trainer names and their seat counts. */
function selectSessions(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('formations', (join) =>
      join.onRef('formations.organization_id', '=', 'sessions.organization_id').onRef('formations.id', '=', 'sessions.formation_id'))
    .leftJoin('programs', (join) =>
      join.onRef('programs.organization_id', '=', 'formations.organization_id').onRef('programs.id', '=', 'formations.program_id'))
    .leftJoin('users as teacher', (join) =>
      join.onRef('teacher.organization_id', '=', 'sessions.organization_id').onRef('teacher.id', '=', 'sessions.teacher_id'))
    .selectAll('sessions')
    .select([
      'formations.name as formation_name',
      'formations.program_id as program_id',
      'programs.name as program_name',
      (eb) => eb.fn.coalesce('teacher.full_name', 'teacher.email').as('teacher_name'),
      (eb) => countEnrollments(eb, SEAT_HOLDING_STATUSES).as('enrolled_count'),
      (eb) => countEnrollments(eb, ['waitlisted']).as('waitlisted_count'),
      (eb) => eb.selectFrom('session_slots')
        .select([
          sql<string>`count(*)`.as('n'),
        ])
        .whereRef('session_slots.organization_id', '=', 'sessions.organization_id')
        .whereRef('session_slots.session_id', '=', 'sessions.id')
        .as('slot_count'),
      (eb) => eb.selectFrom('session_slots')
        .select(sql<string>`coalesce(sum(extract(epoch from (end_time - start_time)) / 60) filter (where status <> 'cancelled'), 0)::integer`.as('m'))
        .whereRef('session_slots.organization_id', '=', 'sessions.organization_id')
        .whereRef('session_slots.session_id', '=', 'sessions.id')
        .as('planned_minutes'),
    ])
    .where('sessions.organization_id', '=', organizationId);
}

function filterSessions(db: Kysely<Database>, organizationId: string, query: ListSessionsQuery) {
  let filtered = db
    .selectFrom('sessions')
    .innerJoin('formations', (join) =>
      join.onRef('formations.organization_id', '=', 'sessions.organization_id').onRef('formations.id', '=', 'sessions.formation_id'))
    .where('sessions.organization_id', '=', organizationId);
  if (query.formation_id) filtered = filtered.where('sessions.formation_id', '=', query.formation_id);
  if (query.program_id === 'none') filtered = filtered.where('formations.program_id', 'is', null);
  else if (query.program_id) filtered = filtered.where('formations.program_id', '=', query.program_id);
  if (query.status) filtered = filtered.where('sessions.status', '=', query.status);
  if (query.teacher_id) filtered = filtered.where('sessions.teacher_id', '=', query.teacher_id);
  if (query.from) filtered = filtered.where('sessions.end_date', '>=', query.from);
  if (query.to) filtered = filtered.where('sessions.start_date', '<=', query.to);
  if (query.q) {
    const pattern = likePattern(query.q);
    filtered = filtered.where((eb) => eb.or([eb('sessions.name', 'ilike', pattern), eb('formations.name', 'ilike', pattern)]));
  }
  return filtered;
}

export async function listSessions(db: Kysely<Database>, organizationId: string, query: ListSessionsQuery) {
  const filtered = filterSessions(db, organizationId, query);
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const ids = filtered
    .select('sessions.id')
    .orderBy(`sessions.${query.sort}`, query.order)
    .orderBy('sessions.id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size);
  const items = await selectSessions(db, organizationId)
    .where('sessions.id', 'in', ids)
    .orderBy(`sessions.${query.sort}`, query.order)
    .orderBy('sessions.id')
    .execute();
  return { items, total: Number(total.n) };
}

export async function findSession(db: Kysely<Database>, organizationId: string, id: string) {
  return selectSessions(db, organizationId).where('sessions.id', '=', id).executeTakeFirst();
}

export async function formationExists(db: Kysely<Database>, organizationId: string, formationId: string) {
  const row = await db.selectFrom('formations').select('id')
    .where('organization_id', '=', organizationId).where('id', '=', formationId).executeTakeFirst();
  return row !== undefined;
}

/** Is this user an active trainer (role teacher or admin) of the organisation? */
export async function isEligibleTeacher(db: Kysely<Database>, organizationId: string, userId: string) {
  const row = await db.selectFrom('users').select('id')
    .where('organization_id', '=', organizationId).where('id', '=', userId)
    .where('role', 'in', ['teacher', 'admin']).where('is_active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

/** Active trainers (teacher or admin) of the organisation, by name then e-mail. */
export async function listEligibleTeachers(db: Kysely<Database>, organizationId: string, query: ListTrainersQuery) {
  let filtered = db.selectFrom('users').where('organization_id', '=', organizationId)
    .where('role', 'in', ['teacher', 'admin']).where('is_active', '=', true);
  if (query.q) {
    const pattern = likePattern(query.q);
    filtered = filtered.where((eb) => eb.or([eb('full_name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
  }
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const items = await filtered.select(['id', 'full_name', 'email', 'role'])
    .orderBy('full_name', (ob) => ob.asc().nullsLast())
    .orderBy('email')
    .orderBy('id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
    .execute();
  return { items, total: Number(total.n) };
}

export async function insertSession(db: Kysely<Database>, organizationId: string, values: Omit<CreateSession, 'schedule'>) {
  return db.insertInto('sessions').values({ ...values, organization_id: organizationId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateSession(db: Kysely<Database>, organizationId: string, id: string, values: UpdateSession) {
  if (Object.values(values).every((value) => value === undefined)) {
    return db.selectFrom('sessions').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  }
  return db.updateTable('sessions').set(values).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning('id').executeTakeFirst();
}

/**
 * Locks the session row for the rest of the transaction, so that a capacity change and a
 * concurrent enrollment cannot both pass their seat checks.
 */
export async function lockSession(db: Kysely<Database>, organizationId: string, id: string) {
  return db.selectFrom('sessions').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function countSeatHoldingEnrollments(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const row = await db.selectFrom('enrollments').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where('status', 'in', SEAT_HOLDING_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rows that refer to the session and forbid its deletion. */
export async function countSessionDependents(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const counts = { enrollments: 0, attendance: 0, grades: 0 };
  // Slots are the session's own schedule: they go with it (attendance on them forbids that).
  for (const table of ['enrollments', 'attendance', 'grades'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export async function deleteSession(db: Kysely<Database>, organizationId: string, id: string) {
  const result = await db.deleteFrom('sessions').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * A session with what its schedule, attendance sheet and the funders' exports need: formation,
 * trainer, and the organisation's name, time zone, language, country and usual hours.
 */
export async function findSessionRecord(db: Kysely<Database>, organizationId: string, id: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('organizations', 'organizations.id', 'sessions.organization_id')
    .innerJoin('formations', (join) => join
      .onRef('formations.organization_id', '=', 'sessions.organization_id')
      .onRef('formations.id', '=', 'sessions.formation_id'))
    .leftJoin('users as teacher', (join) => join
      .onRef('teacher.organization_id', '=', 'sessions.organization_id')
      .onRef('teacher.id', '=', 'sessions.teacher_id'))
    .select([
      'sessions.id', 'sessions.name', 'sessions.status', 'sessions.start_date', 'sessions.end_date',
      'sessions.location', 'sessions.teacher_id',
      'formations.code as formation_code', 'formations.name as formation_name',
      'formations.duration_hours as formation_duration_hours',
      'teacher.full_name as teacher_name', 'teacher.email as teacher_email',
      'organizations.name as organization_name', 'organizations.timezone as organization_timezone',
      'organizations.language as organization_language', 'organizations.country as organization_country',
      'organizations.morning_start', 'organizations.morning_end', 'organizations.afternoon_start',
      'organizations.afternoon_end', 'organizations.evening_start', 'organizations.evening_end',
    ])
    .where('sessions.organization_id', '=', organizationId)
    .where('sessions.id', '=', id)
    .executeTakeFirst();
}

export type SessionRecord = NonNullable<Awaited<ReturnType<typeof findSessionRecord>>>;

export async function findOrganizationCountry(db: Kysely<Database>, organizationId: string): Promise<string> {
  const row = await db.selectFrom('organizations').select('country').where('id', '=', organizationId).executeTakeFirst();
  return row?.country ?? 'FR';
}

/** How many of the session's slots fall outside these dates. */
export async function countSlotsOutside(db: Kysely<Database>, organizationId: string, sessionId: string, startDate: string, endDate: string) {
  const row = await db.selectFrom('session_slots').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where((eb) => eb.or([eb('date', '<', startDate), eb('date', '>', endDate)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Holds the session row against changes of its schedule for the rest of the transaction (they
 * lock it FOR UPDATE): attendance takes it before it reads the slots it marks, so a slot cannot
 * be moved or cancelled between the check and the mark. Markers do not wait for each other. A
 * function, because row-level security hides the row from a teacher's own FOR SHARE.
 */
export async function lockSessionSchedule(db: Kysely<Database>, organizationId: string, id: string) {
  await sql`select public.lock_session_schedule(${organizationId}::uuid, ${id}::uuid)`.execute(db);
}
