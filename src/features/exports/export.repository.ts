import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Every enrollment of the session, whatever its status, with the learner. */
export async function listEnrollments(db: Kysely<Database>, organizationId: string, sessionId: string) {
  return db.selectFrom('enrollments')
    .leftJoin('students', (join) => join
      .onRef('students.organization_id', '=', 'enrollments.organization_id')
      .onRef('students.id', '=', 'enrollments.student_id'))
    .select([
      'enrollments.student_id', 'enrollments.status', 'enrollments.enrollment_date', 'enrollments.funding_scheme',
      'enrollments.learner_category', 'enrollments.payment_status', 'enrollments.amount_due', 'enrollments.amount_paid',
      'students.student_number', 'students.last_name', 'students.first_name',
      'students.email', 'students.employer',
    ])
    .where('enrollments.organization_id', '=', organizationId)
    .where('enrollments.session_id', '=', sessionId)
    .orderBy('students.last_name', (ob) => ob.asc().nullsLast())
    .orderBy('students.first_name')
    .orderBy('enrollments.student_id')
    .execute();
}
