/**
 * Enrollments: a learner in a session, with seats, a waitlist and payment.
 *
 * Seats: pending, confirmed and completed enrollments hold one each; capacity_max null means
 * no limit. Every change of seats first locks the session row (repository.lockSession), so
 * concurrent enrollments into one session run one after the other and never overbook. When a
 * session is full the learner is waitlisted; when a seat frees up (a cancellation, a deletion,
 * a raised capacity) the first in line is confirmed in the same transaction.
 *
 * Enrolling a learner whose earlier enrollment in the session was cancelled reactivates that
 * enrollment (one row per learner and session) at the back of the queue, answering 200
 * instead of 201; any other existing enrollment is a 409 DUPLICATE.
 *
 * Enrolling, an enrollment's status and notes, and deleting are for those who manage
 * enrollments; its payment (payment_status, amount_due, amount_paid) also for the accountant
 * (src/shared/roles.ts), whom a database trigger holds to those fields as well.
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, assertCan } from '../../shared/actor';
import { AppError, notFound } from '../../shared/errors';
import * as repository from './enrollment.repository';
import {
  type CreateEnrollment,
  type EnrollmentStatus,
  type ListEnrollmentsQuery,
  PAYMENT_FIELDS,
  type RosterQuery,
  SEAT_HOLDING_STATUSES,
  type UpdateEnrollment,
} from './enrollment.schemas';

const CLOSED_SESSION_STATUSES = new Set(['cancelled', 'completed']);

function holdsSeat(status: EnrollmentStatus): boolean {
  return (SEAT_HOLDING_STATUSES as readonly string[]).includes(status);
}

export async function listEnrollments(trx: TenantTransaction, actor: Actor, query: ListEnrollmentsQuery) {
  const { items, total } = await repository.listEnrollments(trx, actor.organizationId, query);
  return { items, total, page: query.page, page_size: query.page_size };
}

export async function getEnrollment(trx: TenantTransaction, actor: Actor, id: string) {
  const enrollment = await repository.findEnrollment(trx, actor.organizationId, id);
  if (!enrollment) throw notFound('enrollment');
  return enrollment;
}

/** The session, locked for the rest of the transaction; 404 when the caller cannot see it. */
async function lockSession(trx: TenantTransaction, actor: Actor, sessionId: string) {
  const session = await repository.lockSession(trx, actor.organizationId, sessionId);
  if (!session) throw notFound('session');
  return session;
}

function assertSessionOpen(session: { status: string }) {
  if (CLOSED_SESSION_STATUSES.has(session.status)) {
    throw new AppError('SESSION_CANCELLED', `this session is ${session.status}: it takes no new enrollments`, { session_status: session.status });
  }
}

async function hasFreeSeat(trx: TenantTransaction, actor: Actor, session: { id: string; capacity_max: number | null }) {
  if (session.capacity_max === null) return true;
  return (await repository.countSeatsTaken(trx, actor.organizationId, session.id)) < session.capacity_max;
}

export async function createEnrollment(trx: TenantTransaction, actor: Actor, values: CreateEnrollment) {
  assertCan(actor, 'manageEnrollments');
  const session = await lockSession(trx, actor, values.session_id);
  if (!(await repository.studentExists(trx, actor.organizationId, values.student_id))) throw notFound('student');
  assertSessionOpen(session);
  const existing = await repository.findEnrollmentOfStudent(trx, actor.organizationId, session.id, values.student_id);
  if (existing && existing.status !== 'cancelled') {
    const message = 'this student is already enrolled in this session';
    throw new AppError('DUPLICATE', message, { enrollment_id: existing.id, status: existing.status, fields: [{ field: 'body.student_id', message }] });
  }
  // Those already waiting go first, should a seat have been freed outside the API.
  await repository.promoteWaitlisted(trx, actor.organizationId, session.id);
  const status: EnrollmentStatus = (await hasFreeSeat(trx, actor, session)) ? values.status ?? 'confirmed' : 'waitlisted';
  const { session_id, student_id, status: _wanted, ...details } = values;
  if (existing) {
    await repository.updateEnrollment(trx, actor.organizationId, existing.id, {
      ...details,
      status,
      cancelled_at: null,
      requeue: true,
      enrollment_date: values.enrollment_date ?? new Date().toISOString().slice(0, 10),
    });
    return { enrollment: await getEnrollment(trx, actor, existing.id), reactivated: true };
  }
  const created = await repository.insertEnrollment(trx, actor.organizationId, { ...details, session_id, student_id, status });
  return { enrollment: await getEnrollment(trx, actor, created.id), reactivated: false };
}

/**
 * Changes status, payment fields or notes. Cancelling sets cancelled_at and promotes the first
 * waitlisted learners into the freed seats, in the same transaction; the response lists them.
 * Moving into a seat (from the waitlist or a cancellation) needs a free seat and an open session.
 */
export async function updateEnrollment(trx: TenantTransaction, actor: Actor, id: string, values: UpdateEnrollment) {
  if (changesOnlyPayment(values)) return updatePayment(trx, actor, id, values);
  assertCan(actor, 'manageEnrollments');
  const found = await getEnrollment(trx, actor, id);
  const session = await lockSession(trx, actor, found.session_id);
  const current = await getEnrollment(trx, actor, id);
  const target = values.status ?? current.status;
  const changes: repository.EnrollmentChanges = {
    payment_status: values.payment_status,
    amount_due: values.amount_due,
    amount_paid: values.amount_paid,
    notes: values.notes,
  };
  if (target !== current.status) {
    if (target === 'completed' && !holdsSeat(current.status)) {
      throw new AppError('CONFLICT', `a ${current.status} enrollment cannot be completed: confirm it first`, {
        fields: [{ field: 'body.status', message: 'only an enrollment holding a seat can be completed' }],
      });
    }
    if (holdsSeat(target) && !holdsSeat(current.status)) {
      assertSessionOpen(session);
      if (!(await hasFreeSeat(trx, actor, session))) {
        throw new AppError('SESSION_FULL', 'the session has no free seat', { capacity_max: session.capacity_max });
      }
    }
    changes.status = target;
    changes.cancelled_at = target === 'cancelled' ? new Date() : null;
  }
  await repository.updateEnrollment(trx, actor.organizationId, id, changes);
  const promotedIds = changes.status === 'cancelled' ? await repository.promoteWaitlisted(trx, actor.organizationId, session.id) : [];
  return {
    ...(await getEnrollment(trx, actor, id)),
    promoted: await repository.findEnrollments(trx, actor.organizationId, promotedIds),
  };
}

function changesOnlyPayment(values: UpdateEnrollment): boolean {
  return Object.entries(values).every(([field, value]) => value === undefined || (PAYMENT_FIELDS as readonly string[]).includes(field));
}

/** A change of payment alone: no seat moves, so the session is not locked. */
async function updatePayment(trx: TenantTransaction, actor: Actor, id: string, values: UpdateEnrollment) {
  assertCan(actor, 'recordPayments');
  await getEnrollment(trx, actor, id);
  await repository.updateEnrollment(trx, actor.organizationId, id, {
    payment_status: values.payment_status,
    amount_due: values.amount_due,
    amount_paid: values.amount_paid,
  });
  return { ...(await getEnrollment(trx, actor, id)), promoted: [] };
}

/** Only a mistaken enrollment is deleted: once attendance or grades exist, cancel it instead. */
export async function deleteEnrollment(trx: TenantTransaction, actor: Actor, id: string) {
  assertCan(actor, 'manageEnrollments');
  const found = await getEnrollment(trx, actor, id);
  const session = await lockSession(trx, actor, found.session_id);
  const dependents = await repository.countEnrollmentDependents(trx, actor.organizationId, found.session_id, found.student_id);
  if (dependents.attendance > 0 || dependents.grades > 0) {
    throw new AppError(
      'HAS_DEPENDENTS',
      `this enrollment still has ${dependents.attendance} attendance record(s) and ${dependents.grades} grade(s); cancel it instead`,
      { dependents },
    );
  }
  if ((await repository.deleteEnrollment(trx, actor.organizationId, id)) === 0) throw notFound('enrollment');
  if (holdsSeat(found.status)) await repository.promoteWaitlisted(trx, actor.organizationId, session.id);
}

/** A session's roster: seat holders, then the waitlist in order (with positions). */
export async function getRoster(trx: TenantTransaction, actor: Actor, sessionId: string, query: RosterQuery) {
  const session = await repository.findRosterSession(trx, actor.organizationId, sessionId);
  if (!session) throw notFound('session');
  const { items, total } = await repository.listRoster(trx, actor.organizationId, sessionId, query);
  const seatsTaken = Number(session.seats_taken);
  return {
    session: {
      ...session,
      seats_taken: seatsTaken,
      seats_free: session.capacity_max === null ? null : Math.max(session.capacity_max - seatsTaken, 0),
      waitlisted: Number(session.waitlisted),
    },
    items,
    total,
    page: query.page,
    page_size: query.page_size,
  };
}
