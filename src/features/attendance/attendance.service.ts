/**
 * Attendance per learner and slot. Everyone who may see a session reads its grid; admin,
 * secretary and the session's teacher mark it. A request is validated as a whole before
 * anything is written: one bad entry and nothing changes. A slot that has not started yet, or
 * is cancelled, takes no mark (409). Overwritten marks stay in change_log (database trigger).
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { collectEntryErrors } from '../../shared/entry-errors';
import { AppError } from '../../shared/errors';
import { type Language, message } from '../../shared/i18n';
import { type SessionRecord, listSessionSlots, loadSession, lockSessionSchedule } from '../sessions';
import { buildAttendanceGrid, gridSlots, localDateTime } from './attendance-grid';
import * as repository from './attendance.repository';
import type { AttendanceGrid, GridSlot, MarkSlot, SaveAttendance } from './attendance.schemas';

export async function getAttendanceGrid(trx: TenantTransaction, actor: Actor, sessionId: string): Promise<AttendanceGrid> {
  const session = await loadSession(trx, actor, sessionId, 'read');
  return readAttendanceGrid(trx, actor, session);
}

/** The session's slots as the grid sees them now, by id, cancelled ones included. */
async function readSlots(trx: TenantTransaction, actor: Actor, session: SessionRecord) {
  const slots = await listSessionSlots(trx, actor.organizationId, session.id);
  const now = localDateTime(new Date(), session.organization_timezone);
  const columns = new Map(gridSlots(slots, now).map((slot) => [slot.id, slot]));
  return { slots, columns, cancelled: new Set(slots.filter((slot) => slot.status === 'cancelled').map((slot) => slot.id)) };
}

/** 409s for marks no slot can take yet: not started, or cancelled. Checked after the 400s. */
function assertMarkable(slot: GridSlot | undefined, cancelled: boolean, language: Language, slotId: string) {
  if (cancelled) throw new AppError('SLOT_CANCELLED', message('slot_cancelled', language), { slot_id: slotId });
  if (slot && !slot.started) {
    throw new AppError('SLOT_NOT_STARTED', message('slot_not_started', language), { slot_id: slotId, date: slot.date, start_time: slot.start_time });
  }
}

/** Upserts marks on any number of (learner, slot), all or none. */
export async function saveAttendance(trx: TenantTransaction, actor: Actor, sessionId: string, body: SaveAttendance, language: Language) {
  const session = await loadWritableSession(trx, actor, sessionId, language);
  const { columns, cancelled } = await readSlots(trx, actor, session);
  const enrolled = new Set(await repository.listEnrolledStudentIds(trx, actor.organizationId, session.id));
  const seen = new Set<string>();
  const errors = collectEntryErrors(language);
  body.entries.forEach((entry, index) => {
    const field = `body.entries.${index}`;
    const slot = columns.get(entry.slot_id);
    const key = `${entry.student_id}|${entry.slot_id}`;
    // Taking a mark away is allowed for a learner no longer enrolled; giving one is not.
    if (entry.status !== null && !enrolled.has(entry.student_id)) errors.add(`${field}.student_id`, 'student_not_enrolled');
    if (!slot && !cancelled.has(entry.slot_id)) errors.add(`${field}.slot_id`, 'slot_not_in_session');
    else if (slot && (entry.late_minutes ?? 0) > slot.minutes) errors.add(`${field}.late_minutes`, 'late_minutes_exceed_slot');
    if (seen.has(key)) errors.add(field, 'duplicate_entry');
    seen.add(key);
  });
  errors.throwIfAny();
  for (const entry of body.entries) {
    if (entry.status !== null) assertMarkable(columns.get(entry.slot_id), cancelled.has(entry.slot_id), language, entry.slot_id);
  }
  const marks = body.entries.flatMap((entry) => (entry.status === null ? [] : [{ ...entry, status: entry.status }]));
  await repository.upsertMarks(trx, actor.organizationId, marks.map((entry) => ({
    session_id: session.id,
    slot_id: entry.slot_id,
    student_id: entry.student_id,
    date: columns.get(entry.slot_id)!.date,
    status: entry.status,
    late_minutes: entry.status === 'late' ? entry.late_minutes ?? null : null,
    notes: entry.notes ?? null,
    recorded_by: actor.userId,
  })));
  await repository.deleteMarks(trx, actor.organizationId, session.id, body.entries.filter((entry) => entry.status === null));
  return readAttendanceGrid(trx, actor, session);
}

/**
 * Marks every enrolled learner on one slot; learners already marked there keep their mark
 * unless `overwrite` is set.
 */
export async function markSlot(trx: TenantTransaction, actor: Actor, sessionId: string, body: MarkSlot, language: Language) {
  const session = await loadWritableSession(trx, actor, sessionId, language);
  const { columns, cancelled } = await readSlots(trx, actor, session);
  const slot = columns.get(body.slot_id);
  const errors = collectEntryErrors(language);
  if (!slot && !cancelled.has(body.slot_id)) errors.add('body.slot_id', 'slot_not_in_session');
  errors.throwIfAny();
  assertMarkable(slot, cancelled.has(body.slot_id), language, body.slot_id);
  const enrolled = await repository.listEnrolledStudentIds(trx, actor.organizationId, session.id);
  const alreadyMarked = new Set(body.overwrite ? [] : await repository.listMarkedStudentIds(trx, actor.organizationId, body.slot_id));
  await repository.upsertMarks(trx, actor.organizationId, enrolled
    .filter((studentId) => !alreadyMarked.has(studentId))
    .map((studentId) => ({
      session_id: session.id,
      slot_id: body.slot_id,
      student_id: studentId,
      date: slot!.date,
      status: body.status,
      late_minutes: null,
      notes: null,
      recorded_by: actor.userId,
    })));
  return readAttendanceGrid(trx, actor, session);
}

async function loadWritableSession(trx: TenantTransaction, actor: Actor, sessionId: string, language: Language) {
  const session = await loadSession(trx, actor, sessionId, 'write');
  if (session.status === 'cancelled') throw new AppError('SESSION_CANCELLED', message('session_cancelled_records', language));
  await lockSessionSchedule(trx, actor.organizationId, session.id);
  return session;
}

/** The grid of a session already loaded (and access-checked) with loadSession. */
export async function readAttendanceGrid(trx: TenantTransaction, actor: Actor, session: SessionRecord): Promise<AttendanceGrid> {
  const roster = await repository.listRoster(trx, actor.organizationId, session.id);
  const marks = await repository.listMarks(trx, actor.organizationId, session.id);
  const slots = await listSessionSlots(trx, actor.organizationId, session.id);
  return buildAttendanceGrid({
    session: { id: session.id, name: session.name, status: session.status, start_date: session.start_date, end_date: session.end_date },
    slots,
    roster,
    marks,
    now: localDateTime(new Date(), session.organization_timezone),
  });
}
