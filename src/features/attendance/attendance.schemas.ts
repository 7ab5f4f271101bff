import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { optionalText, sessionLearner } from '../../shared/schemas';
import { PARTS_OF_DAY } from '../../shared/slots';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'late', 'excused'] as const;

/** The most entries one PUT may carry: a 25-learner session of 20 days (40 slots) is 1,000. */
export const MAX_ATTENDANCE_ENTRIES = 5000;

export const attendanceStatus = z.enum(ATTENDANCE_STATUSES);

export const sessionIdParams = z.object({ id: z.guid() });

/** One mark; `status: null` takes the mark away (the slot is "not marked" again). */
export const attendanceEntry = z.object({
  student_id: z.guid(),
  slot_id: z.guid(),
  status: attendanceStatus.nullable(),
  late_minutes: z.number().int().min(0).max(600).nullable().optional(),
  notes: optionalText(2000).optional(),
})
  .refine((entry) => entry.late_minutes == null || entry.status === 'late', i18nError('late_minutes_only_when_late', ['late_minutes']))
  .refine((entry) => entry.notes == null || entry.status !== null, i18nError('notes_need_a_mark', ['notes']));

export const saveAttendanceBody = z.object({
  entries: z.array(attendanceEntry).min(1).max(MAX_ATTENDANCE_ENTRIES),
});

/** Marks every enrolled learner on one slot at once (by default only the unmarked ones). */
export const markSlotBody = z.object({
  slot_id: z.guid(),
  status: z.enum(['present', 'absent', 'excused']).default('present'),
  overwrite: z.boolean().default(false),
});

/** A column of the grid: a slot of the session that is not cancelled. */
export const gridSlot = z.object({
  id: z.guid(),
  date: z.string(),
  part_of_day: z.enum(PARTS_OF_DAY),
  start_time: z.string(),
  end_time: z.string(),
  minutes: z.number().int(),
  module_title: z.string().nullable(),
  started: z.boolean().describe('Its start has passed in the organisation’s time zone: marks are accepted'),
  elapsed: z.boolean().describe('Its end has passed in the organisation’s time zone'),
});

export const attendanceCell = z.object({
  slot_id: z.guid(),
  status: attendanceStatus.nullable(),
  late_minutes: z.number().int().nullable(),
  notes: z.string().nullable(),
  attended_minutes: z.number().int(),
});

export const attendanceSummary = z.object({
  planned_slots: z.number().int(),
  elapsed_slots: z.number().int(),
  marked_slots: z.number().int(),
  present_count: z.number().int(),
  late_count: z.number().int(),
  excused_absence_count: z.number().int(),
  unexcused_absence_count: z.number().int(),
  planned_minutes: z.number().int().describe('The sum of the minutes of the session’s slots that are not cancelled'),
  elapsed_minutes: z.number().int().describe('The minutes of the slots that have ended'),
  attended_minutes: z.number().int().describe('present: the slot’s minutes; late: minus the minutes late; absent, excused: 0'),
  excused_absence_minutes: z.number().int(),
  unexcused_absence_minutes: z.number().int(),
  planned_hours: z.number(),
  attended_hours: z.number(),
  excused_absence_hours: z.number(),
  unexcused_absence_hours: z.number(),
  attendance_rate_marked: z.number().nullable()
    .describe('Slots attended (present or late) ÷ slots marked, in percent; null while nothing is marked'),
  attendance_rate_elapsed: z.number().nullable()
    .describe('Slots attended (present or late) among the ended ones ÷ slots ended, in percent; null before the first ends'),
  attended_minutes_rate: z.number().nullable()
    .describe('Minutes attended ÷ planned minutes, in percent; null when nothing is planned'),
});

export const attendanceGrid = z.object({
  session: z.object({
    id: z.guid(),
    name: z.string(),
    status: z.string(),
    start_date: z.string(),
    end_date: z.string(),
  }),
  slots: z.array(gridSlot),
  students: z.array(sessionLearner.extend({
    cells: z.array(attendanceCell),
    summary: attendanceSummary,
  })),
});

export type AttendanceStatus = z.infer<typeof attendanceStatus>;
export type AttendanceEntry = z.infer<typeof attendanceEntry>;
export type SaveAttendance = z.infer<typeof saveAttendanceBody>;
export type MarkSlot = z.infer<typeof markSlotBody>;
export type GridSlot = z.infer<typeof gridSlot>;
export type AttendanceSummary = z.infer<typeof attendanceSummary>;
export type AttendanceGrid = z.infer<typeof attendanceGrid>;
