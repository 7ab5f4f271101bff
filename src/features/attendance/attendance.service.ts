/**
 * Attendance per learner, date and half-day. Everyone who may see a session reads its grid;
 * admin, secretary and the session's teacher mark it. A request is validated as a whole
 * before anything is written: one bad entry and nothing changes. Overwritten marks stay in
 * change_log (database trigger).
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { AppError } from '../../shared/errors';
import type { Language } from '../../shared/i18n';
import { sessionHalfDays } from '../../shared/session-days';
import { buildAttendanceGrid, localDateTime } from './attendance-grid';
import * as repository from './attendance.repository';
import type { AttendanceGrid, MarkHalfDay, SaveAttendance } from './attendance.schemas';
import { collectEntryErrors } from '../../shared/entry-errors';
import { type SessionRecord, loadSession } from './session-access';

export async function getAttendanceGrid(trx: TenantTransaction, actor: Actor, sessionId: string): Promise<AttendanceGrid> {
  const session = await loadSession(trx, actor, sessionId, 'read');
  return readAttendanceGrid(trx, actor, session);
}

/** Upserts marks on any number of (learner, date, half-day), all or none. */
export async function saveAttendance(trx: TenantTransaction, actor: Actor, sessionId: string, body: SaveAttendance, language: Language) {
  const session = await loadWritableSession(trx, actor, sessionId);
  const halfDays = new Map(sessionHalfDays(session).map((halfDay) => [`${halfDay.date}|${halfDay.slot}`, halfDay]));
  const enrolled = new Set(await repository.listEnrolledStudentIds(trx, actor.organizationId, session.id));
  const seen = new Set<string>();
  const errors = collectEntryErrors(language);
  body.entries.forEach((entry, index) => {
    const field = `body.entries.${index}`;
    const halfDay = halfDays.get(`${entry.date}|${entry.slot}`);
    const key = `${entry.student_id}|${entry.date}|${entry.slot}`;
    // Taking a mark away is allowed for a learner no longer enrolled; giving one is not.
    if (entry.status !== null && !enrolled.has(entry.student_id)) errors.add(`${field}.student_id`, 'student_not_enrolled');
    if (!halfDay) errors.add(`${field}.date`, 'not_a_session_half_day');
    else if ((entry.late_minutes ?? 0) > halfDay.minutes) errors.add(`${field}.late_minutes`, 'late_minutes_exceed_half_day');
    if (seen.has(key)) errors.add(field, 'duplicate_entry');
    seen.add(key);
  });
  errors.throwIfAny();
  const marks = body.entries.flatMap((entry) => (entry.status === null ? [] : [{ ...entry, status: entry.status }]));
  await repository.upsertMarks(trx, actor.organizationId, marks.map((entry) => ({
    session_id: session.id,
    student_id: entry.student_id,
    date: entry.date,
    slot: entry.slot,
    status: entry.status,
    late_minutes: entry.status === 'late' ? entry.late_minutes ?? null : null,
    notes: entry.notes ?? null,
    recorded_by: actor.userId,
  })));
  await repository.deleteMarks(trx, actor.organizationId, session.id, body.entries.filter((entry) => entry.status === null));
  return readAttendanceGrid(trx, actor, session);
}

/**
 * Marks every enrolled learner on one half-day; learners already marked there keep their
 * mark unless `overwrite` is set.
 */
export async function markHalfDay(trx: TenantTransaction, actor: Actor, sessionId: string, body: MarkHalfDay, language: Language) {
  const session = await loadWritableSession(trx, actor, sessionId);
  const errors = collectEntryErrors(language);
  if (!sessionHalfDays(session).some((halfDay) => halfDay.date === body.date && halfDay.slot === body.slot)) {
    errors.add('body.date', 'not_a_session_half_day');
  }
  errors.throwIfAny();
  const enrolled = await repository.listEnrolledStudentIds(trx, actor.organizationId, session.id);
  const alreadyMarked = new Set(body.overwrite ? [] : await repository.listMarkedStudentIds(trx, actor.organizationId, session.id, body.date, body.slot));
  await repository.upsertMarks(trx, actor.organizationId, enrolled
    .filter((studentId) => !alreadyMarked.has(studentId))
    .map((studentId) => ({
      session_id: session.id,
      student_id: studentId,
      date: body.date,
      slot: body.slot,
      status: body.status,
      late_minutes: null,
      notes: null,
      recorded_by: actor.userId,
    })));
  return readAttendanceGrid(trx, actor, session);
}

async function loadWritableSession(trx: TenantTransaction, actor: Actor, sessionId: string) {
  const session = await loadSession(trx, actor, sessionId, 'write');
  if (session.status === 'cancelled') throw new AppError('SESSION_CANCELLED', 'the session is cancelled: its attendance cannot be recorded');
  return session;
}

/** The grid of a session already loaded (and access-checked) with loadSession. */
export async function readAttendanceGrid(trx: TenantTransaction, actor: Actor, session: SessionRecord): Promise<AttendanceGrid> {
  const roster = await repository.listRoster(trx, actor.organizationId, session.id);
  const marks = await repository.listMarks(trx, actor.organizationId, session.id);
  return buildAttendanceGrid({
    session: { id: session.id, name: session.name, status: session.status, start_date: session.start_date, end_date: session.end_date },
    halfDays: sessionHalfDays(session),
    roster,
    marks,
    now: localDateTime(new Date(), session.organization_timezone),
  });
}
