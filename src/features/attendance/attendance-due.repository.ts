import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../../shared/actor';
import { ATTENDING_STATUSES } from './attendance.repository';

/**
 * Slots dated in [from, to] that are not cancelled, of sessions that are not cancelled and have
 * attending learners, with how many of those learners have a mark on the slot. A teacher gets
 * only the sessions they train (row-level security says the same).
 */
export async function listSlotsWithLearners(db: Kysely<Database>, actor: Actor, from: string, to: string) {
  let query = db
    .selectFrom('session_slots')
    .innerJoin('sessions', (join) => join
      .onRef('sessions.organization_id', '=', 'session_slots.organization_id')
      .onRef('sessions.id', '=', 'session_slots.session_id'))
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
      'session_slots.id as slot_id', 'session_slots.date', 'session_slots.part_of_day',
      'session_slots.start_time', 'session_slots.end_time',
      'sessions.id as session_id', 'sessions.name as session_name',
      'formations.name as formation_name', 'enrolled.enrolled_count',
      (eb) => eb.selectFrom('attendance')
        .innerJoin('enrollments', (join) => join
          .onRef('enrollments.organization_id', '=', 'attendance.organization_id')
          .onRef('enrollments.session_id', '=', 'attendance.session_id')
          .onRef('enrollments.student_id', '=', 'attendance.student_id'))
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('attendance.organization_id', '=', 'session_slots.organization_id')
        .whereRef('attendance.slot_id', '=', 'session_slots.id')
        .where('enrollments.status', 'in', ATTENDING_STATUSES)
        .as('marked_count'),
    ])
    .where('session_slots.organization_id', '=', actor.organizationId)
    .where('session_slots.status', '!=', 'cancelled')
    .where('session_slots.date', '>=', from)
    .where('session_slots.date', '<=', to)
    .where('sessions.status', '!=', 'cancelled');
  if (actor.role === 'teacher') query = query.where('sessions.teacher_id', '=', actor.userId);
  return query.execute();
}
