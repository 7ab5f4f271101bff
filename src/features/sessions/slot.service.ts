/**
 * A session's schedule: its slots. Everyone who may see a session reads its slots; admin and
 * secretary create, edit, cancel, delete and generate them. Rules (README.md, "Slots"):
 * - a slot lies within its session's dates, ends after it starts, and overlaps no other slot
 *   of the same session (409 SLOT_OVERLAP); a cancelled slot takes no time, so another may
 *   be planned in its place, and it is checked again when reinstated;
 * - a slot with attendance marks keeps its date and hours and cannot be cancelled or deleted
 *   (409): the marks are evidence of what happened then;
 * - a slot on a Sunday or a public holiday is allowed, and flagged (`non_working_day`);
 * - every change of a session's slots locks the session row first, so two concurrent
 *   generations cannot interleave their overlap checks.
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, MANAGERS, assertRole } from '../../shared/actor';
import { collectEntryErrors } from '../../shared/entry-errors';
import { AppError, notFound } from '../../shared/errors';
import { nonWorkingDay } from '../../shared/holidays';
import { type Language, type MessageKey, message } from '../../shared/i18n';
import {
  type GeneratedSlot, MAX_GENERATED_SLOTS, type PartOfDay, type SlotPattern, defaultPattern, formatTimeOfDay,
  generateSlots as generateFromPattern, partOfDayAt, plannedMinutes, slotMinutes, slotsOverlap,
} from '../../shared/slots';
import { type SessionRecord, loadSession } from './session-access';
import { lockSession } from './session.repository';
import * as repository from './slot.repository';
import type { CreateSlot, GenerateSlots, GenerateSlotsResult, SchedulePattern, Slot, UpdateSlot } from './slot.schemas';

function fieldError(field: string, key: MessageKey, language: Language) {
  const text = message(key, language);
  return new AppError('VALIDATION_FAILED', text, { fields: [{ field: `body.${field}`, message: text }] });
}

/** A slot row as the API shows it (the planning adds its session's details to the same shape). */
export function toSlot(row: repository.SlotRow, trainers: repository.TrainerRow[], markedCount: number, country: string): Slot {
  return {
    ...row,
    start_time: formatTimeOfDay(row.start_time),
    end_time: formatTimeOfDay(row.end_time),
    part_of_day: row.part_of_day as PartOfDay,
    status: row.status as Slot['status'],
    minutes: slotMinutes(row),
    trainers: trainers.map((trainer) => ({ user_id: trainer.user_id, full_name: trainer.full_name, email: trainer.email, role: trainer.role as Slot['trainers'][number]['role'] })),
    non_working_day: nonWorkingDay(country, row.date),
    marked_count: markedCount,
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
    updated_at: row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at,
  };
}

export function groupBySlot(trainers: repository.TrainerRow[]): Map<string, repository.TrainerRow[]> {
  const bySlot = new Map<string, repository.TrainerRow[]>();
  for (const trainer of trainers) bySlot.set(trainer.slot_id, [...(bySlot.get(trainer.slot_id) ?? []), trainer]);
  return bySlot;
}

/** A session's slots with their trainers and marks, as the API shows them. */
export async function readSessionSlots(trx: TenantTransaction, actor: Actor, session: SessionRecord): Promise<Slot[]> {
  const rows = await repository.listSessionSlots(trx, actor.organizationId, session.id);
  const trainers = groupBySlot(await repository.listSlotTrainers(trx, actor.organizationId, rows.map((row) => row.id)));
  const marks = await repository.countMarksBySlot(trx, actor.organizationId, session.id);
  return rows.map((row) => toSlot(row, trainers.get(row.id) ?? [], marks.get(row.id) ?? 0, session.organization_country));
}

export async function listSlots(trx: TenantTransaction, actor: Actor, sessionId: string) {
  const session = await loadSession(trx, actor, sessionId, 'read');
  const items = await readSessionSlots(trx, actor, session);
  return { items, total: items.length, planned_minutes: plannedMinutes(items) };
}

async function getSlot(trx: TenantTransaction, actor: Actor, session: SessionRecord, slotId: string): Promise<Slot> {
  const row = await repository.findSlot(trx, actor.organizationId, session.id, slotId);
  if (!row) throw notFound('slot');
  const trainers = await repository.listSlotTrainers(trx, actor.organizationId, [row.id]);
  return toSlot(row, trainers, await repository.countSlotMarks(trx, actor.organizationId, row.id), session.organization_country);
}

/** Loads a session for a change of its schedule: a manager's, with its row locked. */
async function loadSessionForSchedule(trx: TenantTransaction, actor: Actor, sessionId: string): Promise<SessionRecord> {
  assertRole(actor, MANAGERS);
  const session = await loadSession(trx, actor, sessionId, 'read');
  await lockSession(trx, actor.organizationId, session.id);
  return session;
}

async function assertTrainers(trx: TenantTransaction, actor: Actor, trainers: CreateSlot['trainers'], language: Language) {
  if (!trainers || trainers.length === 0) return;
  const eligible = await repository.listEligibleTrainerIds(trx, actor.organizationId, trainers.map((trainer) => trainer.user_id));
  const errors = collectEntryErrors(language);
  trainers.forEach((trainer, index) => {
    if (!eligible.has(trainer.user_id)) errors.add(`body.trainers.${index}.user_id`, 'teacher_not_in_organization');
  });
  errors.throwIfAny();
}

function assertWithinSession(session: SessionRecord, date: string, field: string, language: Language) {
  if (date < session.start_date || date > session.end_date) throw fieldError(field, 'slot_outside_session', language);
}

async function assertNoOverlap(
  trx: TenantTransaction, actor: Actor, session: SessionRecord,
  slot: { date: string; start_time: string; end_time: string }, ignoreId: string | undefined, language: Language,
) {
  const others = await repository.listSessionSlots(trx, actor.organizationId, session.id);
  const clash = others.find((other) => other.id !== ignoreId && other.status !== 'cancelled' && slotsOverlap(other, slot));
  if (clash) {
    throw new AppError('SLOT_OVERLAP', message('slot_overlap', language), {
      slot_id: clash.id, date: clash.date, start_time: formatTimeOfDay(clash.start_time), end_time: formatTimeOfDay(clash.end_time),
    });
  }
}

function slotHasMarks(language: Language, markedCount: number) {
  return new AppError('HAS_DEPENDENTS', message('slot_has_marks', language), { dependents: { attendance: markedCount } });
}

export async function createSlot(trx: TenantTransaction, actor: Actor, sessionId: string, body: CreateSlot, language: Language): Promise<Slot> {
  const session = await loadSessionForSchedule(trx, actor, sessionId);
  assertWithinSession(session, body.date, 'date', language);
  await assertTrainers(trx, actor, body.trainers, language);
  if (body.status !== 'cancelled') await assertNoOverlap(trx, actor, session, body, undefined, language);
  const { trainers, ...fields } = body;
  const [id] = await repository.insertSlots(trx, actor.organizationId, session.id, [{
    ...fields,
    part_of_day: body.part_of_day ?? partOfDayAt(body.start_time),
  }]);
  if (trainers) await repository.replaceSlotTrainers(trx, actor.organizationId, id!, trainers);
  return getSlot(trx, actor, session, id!);
}

export async function updateSlot(
  trx: TenantTransaction, actor: Actor, sessionId: string, slotId: string, body: UpdateSlot, language: Language,
): Promise<Slot> {
  const session = await loadSessionForSchedule(trx, actor, sessionId);
  const stored = await getSlot(trx, actor, session, slotId);
  // Times compared as stored ('09:00'), so that resending '09:00:00' is not a move.
  const merged = {
    date: body.date ?? stored.date,
    start_time: formatTimeOfDay(body.start_time ?? stored.start_time),
    end_time: formatTimeOfDay(body.end_time ?? stored.end_time),
    status: body.status ?? stored.status,
  };
  if (slotMinutes(merged) <= 0) throw fieldError(body.end_time ? 'end_time' : 'start_time', 'slot_end_before_start', language);
  const moved = merged.date !== stored.date || merged.start_time !== stored.start_time || merged.end_time !== stored.end_time;
  const reinstated = stored.status === 'cancelled' && merged.status !== 'cancelled';
  if (stored.marked_count > 0 && (moved || merged.status === 'cancelled')) throw slotHasMarks(language, stored.marked_count);
  if (body.cancellation_reason && merged.status !== 'cancelled') throw fieldError('cancellation_reason', 'cancellation_reason_needs_cancelled', language);
  if (body.date) assertWithinSession(session, body.date, 'date', language);
  await assertTrainers(trx, actor, body.trainers, language);
  if ((moved || reinstated) && merged.status !== 'cancelled') await assertNoOverlap(trx, actor, session, merged, slotId, language);
  const { trainers, ...fields } = body;
  await repository.updateSlot(trx, actor.organizationId, slotId, {
    ...fields,
    // A slot moved to another time of day changes part of the day, unless the request says which.
    ...(body.start_time && !body.part_of_day && merged.start_time !== stored.start_time ? { part_of_day: partOfDayAt(merged.start_time) } : {}),
    // Leaving the cancelled status clears its reason.
    ...(merged.status !== 'cancelled' ? { cancellation_reason: null } : {}),
  });
  if (trainers) await repository.replaceSlotTrainers(trx, actor.organizationId, slotId, trainers);
  return getSlot(trx, actor, session, slotId);
}

export async function deleteSlot(trx: TenantTransaction, actor: Actor, sessionId: string, slotId: string, language: Language) {
  const session = await loadSessionForSchedule(trx, actor, sessionId);
  const stored = await getSlot(trx, actor, session, slotId);
  if (stored.marked_count > 0) throw slotHasMarks(language, stored.marked_count);
  await repository.deleteSlots(trx, actor.organizationId, [slotId]);
}

/** A request's pattern over the organisation's defaults and the session's dates. */
function resolvePattern(session: SessionRecord, body: SchedulePattern & { from?: string; to?: string }): SlotPattern {
  const fallback = defaultPattern(session, session);
  return {
    from: body.from ?? fallback.from,
    to: body.to ?? fallback.to,
    weekdays: body.weekdays ?? fallback.weekdays,
    parts: body.parts ?? fallback.parts,
    skip_non_working_days: body.skip_non_working_days ?? true,
  };
}

/**
 * Generates slots from a weekly pattern (or answers what it would do, with `preview`): Sundays
 * and public holidays left out, slots at a time the session already has one left out too.
 * `replace` first deletes the session's slots in the period that carry no attendance mark.
 */
export async function generateSlots(
  trx: TenantTransaction, actor: Actor, sessionId: string, body: GenerateSlots, language: Language,
): Promise<GenerateSlotsResult> {
  const session = await loadSessionForSchedule(trx, actor, sessionId);
  return generateIntoSession(trx, actor, session, body, language);
}

/**
 * `patternField` names the request field the pattern came in (`schedule` of a new session), so
 * that its errors point there rather than at fields of the generate body.
 */
export async function generateIntoSession(
  trx: TenantTransaction, actor: Actor, session: SessionRecord,
  body: SchedulePattern & { from?: string; to?: string; replace?: boolean; preview?: boolean }, language: Language,
  patternField?: string,
): Promise<GenerateSlotsResult> {
  const pattern = resolvePattern(session, body);
  // Each bound on its own: a period entirely before or after the session is refused too.
  if (pattern.from < session.start_date || pattern.from > session.end_date) throw fieldError(patternField ?? 'from', 'slot_outside_session', language);
  if (pattern.to < session.start_date || pattern.to > session.end_date) throw fieldError(patternField ?? 'to', 'slot_outside_session', language);
  const { slots, skipped } = generateFromPattern(pattern, session.organization_country);
  if (slots.length > MAX_GENERATED_SLOTS) throw fieldError(patternField ?? 'to', 'too_many_slots', language);

  const existing = await readSessionSlots(trx, actor, session);
  const inPeriod = existing.filter((slot) => slot.date >= pattern.from && slot.date <= pattern.to);
  const removable = body.replace ? inPeriod.filter((slot) => slot.marked_count === 0) : [];
  const removedIds = new Set(removable.map((slot) => slot.id));
  const remaining = existing.filter((slot) => !removedIds.has(slot.id));
  const byDate = new Map<string, Slot[]>();
  for (const slot of remaining) byDate.set(slot.date, [...(byDate.get(slot.date) ?? []), slot]);
  const created: GeneratedSlot[] = [];
  const overlapping: GeneratedSlot[] = [];
  for (const slot of slots) {
    if ((byDate.get(slot.date) ?? []).some((other) => other.status !== 'cancelled' && slotsOverlap(other, slot))) overlapping.push(slot);
    else created.push(slot);
  }
  const afterwards = [...remaining, ...created.map((slot) => ({ ...slot, status: 'planned' }))];
  const result = {
    preview: body.preview ?? false,
    created,
    skipped,
    overlapping,
    removed_count: removable.length,
    kept_with_marks: body.replace ? inPeriod.length - removable.length : 0,
    planned_minutes: plannedMinutes(afterwards),
  };
  if (result.preview) return result;
  await repository.deleteSlots(trx, actor.organizationId, [...removedIds]);
  await repository.insertSlots(trx, actor.organizationId, session.id, created.map(({ minutes: _minutes, ...slot }) => slot));
  return result;
}

