import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database, Enrollments } from '../../db/schema';
import {
  type EnrollmentStatus,
  type ListEnrollmentsQuery,
  type PaymentStatus,
  type RosterQuery,
  SEAT_HOLDING_STATUSES,
} from './enrollment.schemas';

type Narrowed = { status: EnrollmentStatus; payment_status: PaymentStatus };

export type EnrollmentChanges = Partial<{
  status: EnrollmentStatus;
  cancelled_at: Date | null;
  requeue: boolean;
  enrollment_date: string;
  learner_category: string | null;
  funding_scheme: string | null;
  payment_status: PaymentStatus;
  amount_due: string | null;
  amount_paid: string;
  notes: string | null;
}>;

export type NewEnrollment = Omit<EnrollmentChanges, 'requeue' | 'cancelled_at'> & {
  session_id: string;
  student_id: string;
  status: EnrollmentStatus;
};

/** Enrollments with their place in the session's waitlist (first in line: earliest enrolled_at, then id). */
function selectEnrollments(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('enrollments')
    .selectAll('enrollments')
    .select(sql<number | null>`case when enrollments.status = 'waitlisted' then (
        select count(*)::int from public.enrollments w
        where w.organization_id = enrollments.organization_id and w.session_id = enrollments.session_id
          and w.status = 'waitlisted' and (w.enrolled_at, w.id) <= (enrollments.enrolled_at, enrollments.id)
      ) end`.as('waitlist_position'))
    .$narrowType<Narrowed>()
    .where('enrollments.organization_id', '=', organizationId);
}

export async function listEnrollments(db: Kysely<Database>, organizationId: string, query: ListEnrollmentsQuery) {
  let filtered = selectEnrollments(db, organizationId);
  if (query.session_id) filtered = filtered.where('enrollments.session_id', '=', query.session_id);
  if (query.student_id) filtered = filtered.where('enrollments.student_id', '=', query.student_id);
  if (query.status) filtered = filtered.where('enrollments.status', '=', query.status);
  if (query.payment_status) filtered = filtered.where('enrollments.payment_status', '=', query.payment_status);
  const total = await filtered.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const items = await filtered
    .orderBy(`enrollments.${query.sort}`, query.order)
    .orderBy('enrollments.id', query.order)
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
    .execute();
  return { items, total: Number(total.n) };
}

export async function findEnrollment(db: Kysely<Database>, organizationId: string, id: string) {
  return selectEnrollments(db, organizationId).where('enrollments.id', '=', id).executeTakeFirst();
}

export async function findEnrollments(db: Kysely<Database>, organizationId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return selectEnrollments(db, organizationId).where('enrollments.id', 'in', ids)
    .orderBy('enrollments.enrolled_at').orderBy('enrollments.id').execute();
}

export async function findEnrollmentOfStudent(db: Kysely<Database>, organizationId: string, sessionId: string, studentId: string) {
  return db.selectFrom('enrollments').select(['id', 'status'])
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('student_id', '=', studentId)
    .$narrowType<{ status: EnrollmentStatus }>()
    .executeTakeFirst();
}

/**
 * Locks the session row until the transaction ends. Every change of seats (enrolling,
 * cancelling, promoting, changing the capacity) takes this lock first, so they run one at a
 * time per session and the seat count they read stays true until they commit.
 */
export async function lockSession(trx: Transaction<Database>, organizationId: string, sessionId: string) {
  return trx.selectFrom('sessions').select(['id', 'status', 'capacity_max'])
    .where('organization_id', '=', organizationId).where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function studentExists(db: Kysely<Database>, organizationId: string, studentId: string) {
  const row = await db.selectFrom('students').select('id')
    .where('organization_id', '=', organizationId).where('id', '=', studentId).executeTakeFirst();
  return row !== undefined;
}

export async function countSeatsTaken(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const row = await db.selectFrom('enrollments').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where('status', 'in', SEAT_HOLDING_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Confirms the first waitlisted learners while seats are free; returns their enrollment ids. */
export async function promoteWaitlisted(trx: Transaction<Database>, organizationId: string, sessionId: string) {
  const result = await sql<{ enrollment_id: string }>`select enrollment_id from public.promote_waitlisted(${organizationId}, ${sessionId})`.execute(trx);
  return result.rows.map((row) => row.enrollment_id);
}

export async function insertEnrollment(db: Kysely<Database>, organizationId: string, values: NewEnrollment) {
  return db.insertInto('enrollments').values({ ...values, organization_id: organizationId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateEnrollment(db: Kysely<Database>, organizationId: string, id: string, changes: EnrollmentChanges) {
  const { requeue, ...values } = changes;
  const set: Partial<Record<keyof Enrollments, unknown>> = { ...values };
  // Back of the queue: a reactivated enrollment is as recent as a new one.
  if (requeue) set.enrolled_at = sql`clock_timestamp()`;
  if (Object.values(set).every((value) => value === undefined)) {
    return db.selectFrom('enrollments').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  }
  return db.updateTable('enrollments').set(set as never).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning('id').executeTakeFirst();
}

export async function deleteEnrollment(db: Kysely<Database>, organizationId: string, id: string) {
  const result = await db.deleteFrom('enrollments').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Attendance and grades recorded for this learner in this session. */
export async function countEnrollmentDependents(db: Kysely<Database>, organizationId: string, sessionId: string, studentId: string) {
  const row = await db.selectNoFrom((eb) => [
    eb.selectFrom('attendance').select(eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('student_id', '=', studentId).as('attendance'),
    eb.selectFrom('grades').select(eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('student_id', '=', studentId).as('grades'),
  ]).executeTakeFirstOrThrow();
  return { attendance: Number(row.attendance), grades: Number(row.grades) };
}

/** The session as its roster shows it, with its seats; undefined when the caller cannot see it. */
export async function findRosterSession(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const count = (statuses: readonly string[]) => sql<number>`(
      select count(*)::int from public.enrollments e
      where e.organization_id = sessions.organization_id and e.session_id = sessions.id and e.status in (${sql.join(statuses)})
    )`;
  return db.selectFrom('sessions')
    .select(['id', 'name', 'status', 'capacity_max'])
    .select([count(SEAT_HOLDING_STATUSES).as('seats_taken'), count(['waitlisted']).as('waitlisted')])
    .where('organization_id', '=', organizationId).where('id', '=', sessionId)
    .executeTakeFirst();
}

/** Seat holders first, then the waitlist in order, then (when asked) the cancelled. */
export async function listRoster(db: Kysely<Database>, organizationId: string, sessionId: string, query: RosterQuery) {
  let filtered = selectEnrollments(db, organizationId).where('enrollments.session_id', '=', sessionId);
  if (!query.include_cancelled) filtered = filtered.where('enrollments.status', '!=', 'cancelled');
  const total = await filtered.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await filtered
    .innerJoin('students', (join) => join
      .onRef('students.organization_id', '=', 'enrollments.organization_id')
      .onRef('students.id', '=', 'enrollments.student_id'))
    .select([
      'students.student_number as student_number',
      'students.first_name as student_first_name',
      'students.last_name as student_last_name',
      'students.email as student_email',
    ])
    .orderBy(sql`case enrollments.status when 'waitlisted' then 1 when 'cancelled' then 2 else 0 end`)
    .orderBy('enrollments.enrolled_at')
    .orderBy('enrollments.id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
    .execute();
  const items = rows.map(({ student_number, student_first_name, student_last_name, student_email, ...entry }) => ({
    ...entry,
    student: { id: entry.student_id, student_number, first_name: student_first_name, last_name: student_last_name, email: student_email },
  }));
  return { items, total: Number(total.n) };
}
