import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema';

/** Enrollment statuses that put a learner on the attendance sheet and the grade book. */
export const ATTENDING_STATUSES = ['confirmed', 'completed'];

export type NewAttendanceMark = {
  session_id: string;
  slot_id: string;
  student_id: string;
  /** The slot's date (the database sets it from the slot as well). */
  date: string;
  status: string;
  late_minutes: number | null;
  notes: string | null;
  recorded_by: string;
};

/**
 * The session's attending learners (confirmed or completed) plus anyone who already has rows in
 * it in `recordedIn` (attendance marks or grades), by name.
 */
export async function listRoster(db: Kysely<Database>, organizationId: string, sessionId: string, recordedIn: 'attendance' | 'grades' = 'attendance') {
  const roster = db.selectFrom('enrollments').select('student_id')
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where('status', 'in', ATTENDING_STATUSES)
    .union(db.selectFrom(recordedIn).select('student_id')
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId));
  return db
    .selectFrom(roster.as('roster'))
    .leftJoin('students', (join) => join
      .on('students.organization_id', '=', organizationId)
      .onRef('students.id', '=', 'roster.student_id'))
    .leftJoin('enrollments', (join) => join
      .on('enrollments.organization_id', '=', organizationId)
      .on('enrollments.session_id', '=', sessionId)
      .onRef('enrollments.student_id', '=', 'roster.student_id'))
    .select([
      'roster.student_id', 'students.first_name', 'students.last_name', 'students.student_number',
      'enrollments.status as enrollment_status',
    ])
    .orderBy('students.last_name', (ob) => ob.asc().nullsLast())
    .orderBy('students.first_name')
    .orderBy('roster.student_id')
    .execute();
}

export async function listEnrolledStudentIds(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const rows = await db.selectFrom('enrollments').select('student_id')
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where('status', 'in', ATTENDING_STATUSES)
    .execute();
  return rows.map((row) => row.student_id);
}

export async function listMarks(db: Kysely<Database>, organizationId: string, sessionId: string) {
  return db.selectFrom('attendance')
    .select(['student_id', 'slot_id', 'status', 'late_minutes', 'notes'])
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .where('slot_id', 'is not', null)
    .$narrowType<{ slot_id: string }>()
    .execute();
}

export async function listMarkedStudentIds(db: Kysely<Database>, organizationId: string, slotId: string) {
  const rows = await db.selectFrom('attendance').select('student_id')
    .where('organization_id', '=', organizationId).where('slot_id', '=', slotId)
    .execute();
  return rows.map((row) => row.student_id);
}

const UPSERT_CHUNK = 1000;

/**
 * Inserts or overwrites marks on (slot, student). A mark saved again unchanged
 * is left alone, so the change log only grows with real changes.
 */
export async function upsertMarks(trx: Transaction<Database>, organizationId: string, marks: NewAttendanceMark[]) {
  let written = 0;
  for (let start = 0; start < marks.length; start += UPSERT_CHUNK) {
    const chunk = marks.slice(start, start + UPSERT_CHUNK).map((mark) => ({ ...mark, organization_id: organizationId }));
    const result = await trx.insertInto('attendance').values(chunk)
      .onConflict((conflict) => conflict
        .columns(['organization_id', 'slot_id', 'student_id'])
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          late_minutes: eb.ref('excluded.late_minutes'),
          notes: eb.ref('excluded.notes'),
          recorded_by: eb.ref('excluded.recorded_by'),
        }))
        .where(sql<boolean>`(attendance.status, attendance.late_minutes, attendance.notes)
          is distinct from (excluded.status, excluded.late_minutes, excluded.notes)`))
      .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}

/** Takes marks away (the change log keeps what they were); absent marks are no error. */
export async function deleteMarks(
  trx: Transaction<Database>,
  organizationId: string,
  sessionId: string,
  cells: { student_id: string; slot_id: string }[],
) {
  let deleted = 0;
  for (let start = 0; start < cells.length; start += UPSERT_CHUNK) {
    const chunk = cells.slice(start, start + UPSERT_CHUNK);
    const result = await trx.deleteFrom('attendance')
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
      .where((eb) => eb.or(chunk.map((cell) => eb.and([
        eb('student_id', '=', cell.student_id), eb('slot_id', '=', cell.slot_id),
      ]))))
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}
