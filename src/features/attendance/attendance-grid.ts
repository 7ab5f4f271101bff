/**
 * The attendance grid of a session: learners × slots, and each learner's totals.
 * Pure (no database), so the API and the funders' exports compute minutes the same way.
 *
 * - The columns are the session's slots that are not cancelled; a cancelled slot plans no time.
 * - A slot's planned minutes are end − start; `present` attends them all, `late` all but
 *   late_minutes (never below 0), `absent` and `excused` none.
 * - `excused` is an excused absence, `absent` an unexcused one.
 * - A slot has started once its start time has passed, and elapsed once its end time has
 *   passed, in the organisation's time zone.
 * - attendance_rate_marked = (present + late) / marked slots;
 *   attendance_rate_elapsed = (present + late on elapsed slots) / elapsed slots;
 *   attended_minutes_rate = attended minutes / planned minutes.
 *   All in percent, rounded to 0.01; null when their denominator is 0.
 * Minutes are integers; hours are minutes / 60 rounded to 0.01, for display only.
 */
import { type PartOfDay, formatTimeOfDay, slotMinutes } from '../../shared/slots';
import type { AttendanceGrid, AttendanceStatus, AttendanceSummary, GridSlot } from './attendance.schemas';

/** A slot as the grid needs it (a session's slot row). */
export type ScheduleSlot = {
  id: string;
  date: string;
  start_time: string;
  end_time: string;
  part_of_day: string;
  module_title: string | null;
  status: string;
};

export type AttendanceMark = {
  student_id: string;
  slot_id: string;
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

/** '2026-03-02 17:00' in `timeZone` at `instant`: comparable with a slot's date and times. */
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

export function attendedMinutes(slot: { minutes: number }, mark: { status: string; late_minutes: number | null } | undefined): number {
  if (!mark) return 0;
  if (mark.status === 'present') return slot.minutes;
  if (mark.status === 'late') return Math.max(0, slot.minutes - (mark.late_minutes ?? 0));
  return 0;
}

/** The grid's columns: the slots that are not cancelled, with their minutes and where they stand now. */
export function gridSlots(slots: readonly ScheduleSlot[], now: string): GridSlot[] {
  return slots
    .filter((slot) => slot.status !== 'cancelled')
    .map((slot) => {
      const start = formatTimeOfDay(slot.start_time);
      const end = formatTimeOfDay(slot.end_time);
      return {
        id: slot.id,
        date: slot.date,
        part_of_day: slot.part_of_day as PartOfDay,
        start_time: start,
        end_time: end,
        minutes: slotMinutes(slot),
        module_title: slot.module_title,
        started: `${slot.date} ${start}` <= now,
        elapsed: `${slot.date} ${end}` <= now,
      };
    });
}

function summarize(slots: GridSlot[], marks: Map<string, AttendanceMark>): AttendanceSummary {
  const totals = {
    planned: 0, elapsed: 0, marked: 0, present: 0, late: 0, excused: 0, unexcused: 0, attendedElapsed: 0,
    plannedMinutes: 0, elapsedMinutes: 0, attendedMinutes: 0, excusedMinutes: 0, unexcusedMinutes: 0,
  };
  for (const slot of slots) {
    const mark = marks.get(slot.id);
    totals.planned += 1;
    totals.plannedMinutes += slot.minutes;
    if (slot.elapsed) {
      totals.elapsed += 1;
      totals.elapsedMinutes += slot.minutes;
    }
    if (!mark) continue;
    totals.marked += 1;
    totals.attendedMinutes += attendedMinutes(slot, mark);
    if (mark.status === 'present') totals.present += 1;
    if (mark.status === 'late') totals.late += 1;
    if ((mark.status === 'present' || mark.status === 'late') && slot.elapsed) totals.attendedElapsed += 1;
    if (mark.status === 'excused') {
      totals.excused += 1;
      totals.excusedMinutes += slot.minutes;
    }
    if (mark.status === 'absent') {
      totals.unexcused += 1;
      totals.unexcusedMinutes += slot.minutes;
    }
  }
  return {
    planned_slots: totals.planned,
    elapsed_slots: totals.elapsed,
    marked_slots: totals.marked,
    present_count: totals.present,
    late_count: totals.late,
    excused_absence_count: totals.excused,
    unexcused_absence_count: totals.unexcused,
    planned_minutes: totals.plannedMinutes,
    elapsed_minutes: totals.elapsedMinutes,
    attended_minutes: totals.attendedMinutes,
    excused_absence_minutes: totals.excusedMinutes,
    unexcused_absence_minutes: totals.unexcusedMinutes,
    planned_hours: hoursOf(totals.plannedMinutes),
    attended_hours: hoursOf(totals.attendedMinutes),
    excused_absence_hours: hoursOf(totals.excusedMinutes),
    unexcused_absence_hours: hoursOf(totals.unexcusedMinutes),
    attendance_rate_marked: percent(totals.present + totals.late, totals.marked),
    attendance_rate_elapsed: percent(totals.attendedElapsed, totals.elapsed),
    attended_minutes_rate: percent(totals.attendedMinutes, totals.plannedMinutes),
  };
}

/** The totals of a learner who has no mark at all (e.g. an enrollment outside the grid). */
export function emptySummary(slots: GridSlot[]): AttendanceSummary {
  return summarize(slots, new Map());
}

export function buildAttendanceGrid(input: {
  session: GridSession;
  slots: readonly ScheduleSlot[];
  roster: RosterStudent[];
  marks: AttendanceMark[];
  /** The organisation's local date and time, as returned by localDateTime. */
  now: string;
}): AttendanceGrid {
  const columns = gridSlots(input.slots, input.now);
  const marksByStudent = new Map<string, Map<string, AttendanceMark>>();
  for (const mark of input.marks) {
    const own = marksByStudent.get(mark.student_id) ?? new Map<string, AttendanceMark>();
    own.set(mark.slot_id, mark);
    marksByStudent.set(mark.student_id, own);
  }
  return {
    session: input.session,
    slots: columns,
    students: input.roster.map((student) => {
      const marks = marksByStudent.get(student.student_id) ?? new Map<string, AttendanceMark>();
      return {
        ...student,
        cells: columns.map((slot) => {
          const mark = marks.get(slot.id);
          return {
            slot_id: slot.id,
            status: (mark?.status ?? null) as AttendanceStatus | null,
            late_minutes: mark?.late_minutes ?? null,
            notes: mark?.notes ?? null,
            attended_minutes: attendedMinutes(slot, mark),
          };
        }),
        summary: summarize(columns, marks),
      };
    }),
  };
}
