/**
 * The attendance grid of a session: learners × half-days, and each learner's totals.
 * Pure (no database), so the API and the funders' exports compute minutes the same way.
 *
 * - A half-day's planned minutes come from the session's times (am: start_time → am_end_time,
 *   pm: pm_start_time → end_time); `present` attends them all, `late` all but late_minutes
 *   (never below 0), `absent` and `excused` none.
 * - `excused` is an excused absence, `absent` an unexcused one.
 * - A half-day has elapsed once its end time has passed in the organisation's time zone.
 * - attendance_rate_marked = (present + late) / marked half-days;
 *   attendance_rate_elapsed = (present + late on elapsed half-days) / elapsed half-days.
 *   Both in percent, rounded to 0.01; null when their denominator is 0.
 * - Marks on a date or slot that is not one of the session's half-days (legacy rows) are not
 *   in the grid and not counted.
 * Minutes are integers; hours are minutes / 60 rounded to 0.01, for display only.
 */
import type { SessionHalfDay } from '../../shared/session-days';
import type { AttendanceGrid, AttendanceStatus, AttendanceSummary } from './attendance.schemas';

export type AttendanceMark = {
  student_id: string;
  date: string;
  slot: string;
  status: string;
  late_minutes: number | null;
  notes: string | null;
};

export type RosterStudent = {
  student_id: string;
  first_name: string | null;
  last_name: string | null;
  student_number: string | null;
  enrollment_status: string | null;
};

export type GridSession = AttendanceGrid['session'];

/** '2026-03-02 17:00' in `timeZone` at `instant`: comparable with a half-day's date and end. */
export function localDateTime(instant: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(instant);
  } catch {
    return localDateTime(instant, 'UTC');
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

export function hoursOf(minutes: number): number {
  return Math.round((minutes / 60) * 100) / 100;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10000) / 100;
}

export function attendedMinutes(halfDay: SessionHalfDay, mark: { status: string; late_minutes: number | null } | undefined): number {
  if (!mark) return 0;
  if (mark.status === 'present') return halfDay.minutes;
  if (mark.status === 'late') return Math.max(0, halfDay.minutes - (mark.late_minutes ?? 0));
  return 0;
}

function halfDayKey(date: string, slot: string): string {
  return `${date}|${slot}`;
}

function isElapsed(halfDay: SessionHalfDay, now: string): boolean {
  return `${halfDay.date} ${halfDay.end_time}` <= now;
}

function summarize(halfDays: SessionHalfDay[], marks: Map<string, AttendanceMark>, now: string): AttendanceSummary {
  const totals = {
    planned: 0, elapsed: 0, marked: 0, present: 0, late: 0, excused: 0, unexcused: 0, attendedElapsed: 0,
    plannedMinutes: 0, attendedMinutes: 0, excusedMinutes: 0, unexcusedMinutes: 0,
  };
  for (const halfDay of halfDays) {
    const mark = marks.get(halfDayKey(halfDay.date, halfDay.slot));
    const elapsed = isElapsed(halfDay, now);
    totals.planned += 1;
    totals.plannedMinutes += halfDay.minutes;
    if (elapsed) totals.elapsed += 1;
    if (!mark) continue;
    totals.marked += 1;
    totals.attendedMinutes += attendedMinutes(halfDay, mark);
    if (mark.status === 'present') totals.present += 1;
    if (mark.status === 'late') totals.late += 1;
    if ((mark.status === 'present' || mark.status === 'late') && elapsed) totals.attendedElapsed += 1;
    if (mark.status === 'excused') {
      totals.excused += 1;
      totals.excusedMinutes += halfDay.minutes;
    }
    if (mark.status === 'absent') {
      totals.unexcused += 1;
      totals.unexcusedMinutes += halfDay.minutes;
    }
  }
  return {
    planned_half_days: totals.planned,
    elapsed_half_days: totals.elapsed,
    marked_half_days: totals.marked,
    present_count: totals.present,
    late_count: totals.late,
    excused_absence_count: totals.excused,
    unexcused_absence_count: totals.unexcused,
    planned_minutes: totals.plannedMinutes,
    attended_minutes: totals.attendedMinutes,
    excused_absence_minutes: totals.excusedMinutes,
    unexcused_absence_minutes: totals.unexcusedMinutes,
    planned_hours: hoursOf(totals.plannedMinutes),
    attended_hours: hoursOf(totals.attendedMinutes),
    excused_absence_hours: hoursOf(totals.excusedMinutes),
    unexcused_absence_hours: hoursOf(totals.unexcusedMinutes),
    attendance_rate_marked: percent(totals.present + totals.late, totals.marked),
    attendance_rate_elapsed: percent(totals.attendedElapsed, totals.elapsed),
  };
}

/** The totals of a learner who has no mark at all (e.g. an enrollment outside the grid). */
export function emptySummary(halfDays: SessionHalfDay[], now: string): AttendanceSummary {
  return summarize(halfDays, new Map(), now);
}

export function buildAttendanceGrid(input: {
  session: GridSession;
  halfDays: SessionHalfDay[];
  roster: RosterStudent[];
  marks: AttendanceMark[];
  /** The organisation's local date and time, as returned by localDateTime. */
  now: string;
}): AttendanceGrid {
  const marksByStudent = new Map<string, Map<string, AttendanceMark>>();
  for (const mark of input.marks) {
    const own = marksByStudent.get(mark.student_id) ?? new Map<string, AttendanceMark>();
    own.set(halfDayKey(mark.date, mark.slot), mark);
    marksByStudent.set(mark.student_id, own);
  }
  return {
    session: input.session,
    half_days: input.halfDays.map((halfDay) => ({ ...halfDay, elapsed: isElapsed(halfDay, input.now) })),
    students: input.roster.map((student) => {
      const marks = marksByStudent.get(student.student_id) ?? new Map<string, AttendanceMark>();
      return {
        ...student,
        cells: input.halfDays.map((halfDay) => {
          const mark = marks.get(halfDayKey(halfDay.date, halfDay.slot));
          return {
            date: halfDay.date,
            slot: halfDay.slot,
            status: (mark?.status ?? null) as AttendanceStatus | null,
            late_minutes: mark?.late_minutes ?? null,
            notes: mark?.notes ?? null,
            attended_minutes: attendedMinutes(halfDay, mark),
          };
        }),
        summary: summarize(input.halfDays, marks, input.now),
      };
    }),
  };
}
