import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../../shared/actor';
import { ATTENDING_STATUSES } from './attendance.repository';

/**
 * Sessions that are not cancelled, overlap [from, to] and have attending learners; a teacher
 * gets only the sessions they train (row-level security says the same).
 */
export async function listSessionsWithLearners(db: Kysely<Database>, actor: Actor, from: string, to: string) {
  let query = db
    .selectFrom('sessions')
    .innerJoin('formations', (join) => join
      .onRef('formations.organization_id', '=', 'sessions.organization_id')
      .onRef('formations.id', '=', 'sessions.formation_id'))
    .innerJoin(
      (eb) => eb.selectFrom('enrollments')
        .select(['session_id', (inner) => inner.fn.countAll<string>().as('enrolled_count')])
        .where('organization_id', '=', actor.organizationId)
        .where('status', 'in', ATTENDING_STATUSES)
        .groupBy('session_id')
        .as('enrolled'),
      (join) => join.onRef('enrolled.session_id', '=', 'sessions.id'),
    )
    .select([
      'sessions.id', 'sessions.name', 'sessions.start_date', 'sessions.end_date',
      'sessions.start_time', 'sessions.am_end_time', 'sessions.pm_start_time', 'sessions.end_time',
      'formations.name as formation_name', 'enrolled.enrolled_count',
    ])
    .where('sessions.organization_id', '=', actor.organizationId)
    .where('sessions.status', '!=', 'cancelled')
    .where('sessions.start_date', '<=', to)
    .where('sessions.end_date', '>=', from);
  if (actor.role === 'teacher') query = query.where('sessions.teacher_id', '=', actor.userId);
  return query.execute();
}

/** Per session, date and half-day in [from, to]: how many attending learners have a mark. */
export async function countMarkedLearners(db: Kysely<Database>, organizationId: string, sessionIds: string[], from: string, to: string) {
  if (sessionIds.length === 0) return [];
  return db
    .selectFrom('attendance')
    .innerJoin('enrollments', (join) => join
      .onRef('enrollments.organization_id', '=', 'attendance.organization_id')
      .onRef('enrollments.session_id', '=', 'attendance.session_id')
      .onRef('enrollments.student_id', '=', 'attendance.student_id'))
    .select(['attendance.session_id', 'attendance.date', 'attendance.slot', (eb) => eb.fn.countAll<string>().as('marked_count')])
    .where('attendance.organization_id', '=', organizationId)
    .where('attendance.session_id', 'in', sessionIds)
    .where('attendance.date', '>=', from)
    .where('attendance.date', '<=', to)
    .where('enrollments.status', 'in', ATTENDING_STATUSES)
    .groupBy(['attendance.session_id', 'attendance.date', 'attendance.slot'])
    .execute();
}
