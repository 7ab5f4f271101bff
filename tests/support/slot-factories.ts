/**
 * A session's slots written straight into the database, like the other factories (outside RLS),
 * for tests that need a schedule without going through the API. The pattern is the default one
 * of src/shared/slots.ts (weekdays, morning and afternoon at the usual hours, over the session's
 * dates, skipping Sundays and French public holidays) unless told otherwise; a slot that would
 * overlap one the session already has is left out.
 *
 *   const slots = await insertSlots(ctx.db, tenant.session);
 *   slotAt(slots, '2026-03-02', 'afternoon').id
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { DEFAULT_DAY_HOURS, type DayPart, type PartOfDay, defaultPattern, generateSlots, minutesOfDay, slotsOverlap } from '../../src/shared/slots';

type SessionRow = { id: string; organization_id: string; start_date: string; end_date: string };

export type SlotOverrides = {
  from?: string;
  to?: string;
  weekdays?: number[];
  parts?: DayPart[];
  skip_non_working_days?: boolean;
  module_title?: string | null;
};

export type SlotRow = { id: string; date: string; part_of_day: string; start_time: string; end_time: string };

/** Adds the pattern's slots to the session and returns all its slots, in chronological order. */
export async function insertSlots(db: Kysely<Database>, session: SessionRow, overrides: SlotOverrides = {}): Promise<SlotRow[]> {
  const pattern = { ...defaultPattern(DEFAULT_DAY_HOURS, session), ...withoutUndefined({ from: overrides.from, to: overrides.to, weekdays: overrides.weekdays, parts: overrides.parts, skip_non_working_days: overrides.skip_non_working_days }) };
  const existing = await listSlots(db, session.id);
  const slots = generateSlots(pattern, 'FR').slots.filter((slot) => !existing.some((other) => slotsOverlap(slot, other)));
  if (slots.length > 0) {
    await db.insertInto('session_slots').values(slots.map((slot) => ({
      organization_id: session.organization_id,
      session_id: session.id,
      date: slot.date,
      start_time: slot.start_time,
      end_time: slot.end_time,
      part_of_day: slot.part_of_day,
      module_title: overrides.module_title ?? null,
    }))).execute();
  }
  return listSlots(db, session.id);
}

/** The session's slot of that date and part of the day; throws when there is none. */
export function slotAt(slots: SlotRow[], date: string, part: PartOfDay): SlotRow {
  const slot = slots.find((candidate) => candidate.date === date && candidate.part_of_day === part);
  if (!slot) throw new Error(`the session has no ${part} slot on ${date}`);
  return slot;
}

async function listSlots(db: Kysely<Database>, sessionId: string): Promise<SlotRow[]> {
  const rows = await db.selectFrom('session_slots').select(['id', 'date', 'part_of_day', 'start_time', 'end_time'])
    .where('session_id', '=', sessionId).execute();
  return rows.sort((left, right) => left.date.localeCompare(right.date) || minutesOfDay(left.start_time) - minutesOfDay(right.start_time));
}

function withoutUndefined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
