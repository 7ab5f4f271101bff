/**
 * Attendance still to mark: slots that have ended (in the organisation's time zone) within the
 * last N days, of sessions the caller can see that are not cancelled, where some learner with a
 * confirmed or completed enrollment has no mark. Most recent slot first.
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { type PartOfDay, formatTimeOfDay } from '../../shared/slots';
import { localDateTime } from './attendance-grid';
import type { AttendanceDueItem, AttendanceDueList, AttendanceDueQuery } from './attendance-due.schemas';
import * as repository from './attendance-due.repository';

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

export async function listAttendanceDue(
  trx: TenantTransaction,
  actor: Actor,
  query: AttendanceDueQuery,
  clock: { timeZone: string; now?: Date },
): Promise<AttendanceDueList> {
  const now = localDateTime(clock.now ?? new Date(), clock.timeZone);
  const to = now.slice(0, 10);
  const from = addDays(to, -(query.days - 1));
  const slots = await repository.listSlotsWithLearners(trx, actor, from, to);
  const items: AttendanceDueItem[] = [];
  for (const slot of slots) {
    const endTime = formatTimeOfDay(slot.end_time);
    if (`${slot.date} ${endTime}` > now) continue;
    const enrolled = Number(slot.enrolled_count);
    const unmarked = enrolled - Number(slot.marked_count ?? 0);
    if (unmarked <= 0) continue;
    items.push({
      session_id: slot.session_id,
      session_name: slot.session_name,
      formation_name: slot.formation_name,
      slot_id: slot.slot_id,
      date: slot.date,
      part_of_day: slot.part_of_day as PartOfDay,
      start_time: formatTimeOfDay(slot.start_time),
      end_time: endTime,
      enrolled_count: enrolled,
      unmarked_count: unmarked,
    });
  }
  items.sort((a, b) => b.date.localeCompare(a.date) || b.start_time.localeCompare(a.start_time)
    || a.session_name.localeCompare(b.session_name) || a.session_id.localeCompare(b.session_id));
  return { from, to, items, total: items.length };
}
