/**
 * Attendance still to mark: half-days that have ended (in the organisation's time zone) within
 * the last N days, of sessions the caller can see that are not cancelled, where some learner
 * with a confirmed or completed enrollment has no mark. Most recent half-day first.
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { sessionHalfDays } from '../../shared/session-days';
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
  const sessions = await repository.listSessionsWithLearners(trx, actor, from, to);
  const marked = await repository.countMarkedLearners(trx, actor.organizationId, sessions.map((session) => session.id), from, to);
  const markedCount = new Map(marked.map((row) => [`${row.session_id}|${row.date}|${row.slot}`, Number(row.marked_count)]));

  const items: AttendanceDueItem[] = [];
  for (const session of sessions) {
    const enrolled = Number(session.enrolled_count);
    for (const halfDay of sessionHalfDays(session)) {
      if (halfDay.date < from || `${halfDay.date} ${halfDay.end_time}` > now) continue;
      const unmarked = enrolled - (markedCount.get(`${session.id}|${halfDay.date}|${halfDay.slot}`) ?? 0);
      if (unmarked <= 0) continue;
      items.push({
        session_id: session.id,
        session_name: session.name,
        formation_name: session.formation_name,
        date: halfDay.date,
        slot: halfDay.slot,
        start_time: halfDay.start_time,
        end_time: halfDay.end_time,
        enrolled_count: enrolled,
        unmarked_count: unmarked,
      });
    }
  }
  items.sort((a, b) => b.date.localeCompare(a.date) || b.slot.localeCompare(a.slot)
    || a.session_name.localeCompare(b.session_name) || a.session_id.localeCompare(b.session_id));
  return { from, to, items, total: items.length };
}
