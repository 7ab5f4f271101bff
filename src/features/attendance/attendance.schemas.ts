import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { isoDate, optionalText, sessionLearner } from '../../shared/schemas';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'late', 'excused'] as const;
export const HALF_DAY_SLOTS = ['am', 'pm'] as const;

/** The most entries one PUT may carry: a 25-learner session of 20 days is 1,000. */
export const MAX_ATTENDANCE_ENTRIES = 5000;

export const attendanceStatus = z.enum(ATTENDANCE_STATUSES);
export const halfDaySlot = z.enum(HALF_DAY_SLOTS);

export const sessionIdParams = z.object({ id: z.uuid() });

/** One mark; `status: null` takes the mark away (the half-day is "not marked" again). */
export const attendanceEntry = z.object({
  student_id: z.uuid(),
  date: isoDate,
  slot: halfDaySlot,
  status: attendanceStatus.nullable(),
  late_minutes: z.number().int().min(0).max(600).nullable().optional(),
  notes: optionalText(2000).optional(),
})
  .refine((entry) => entry.late_minutes == null || entry.status === 'late', i18nError('late_minutes_only_when_late', ['late_minutes']))
  .refine((entry) => entry.notes == null || entry.status !== null, i18nError('notes_need_a_mark', ['notes']));

export const saveAttendanceBody = z.object({
  entries: z.array(attendanceEntry).min(1).max(MAX_ATTENDANCE_ENTRIES),
});

/** Marks every enrolled learner on one half-day at once (by default only the unmarked ones). */
export const markHalfDayBody = z.object({
  date: isoDate,
  slot: halfDaySlot,
  status: z.enum(['present', 'absent', 'excused']).default('present'),
  overwrite: z.boolean().default(false),
});

export const halfDay = z.object({
  date: z.string(),
  slot: halfDaySlot,
  start_time: z.string(),
  end_time: z.string(),
  minutes: z.number().int(),
  elapsed: z.boolean(),
});

export const attendanceCell = z.object({
  date: z.string(),
  slot: halfDaySlot,
  status: attendanceStatus.nullable(),
  late_minutes: z.number().int().nullable(),
  notes: z.string().nullable(),
  attended_minutes: z.number().int(),
});

export const attendanceSummary = z.object({
  planned_half_days: z.number().int(),
  elapsed_half_days: z.number().int(),
  marked_half_days: z.number().int(),
  present_count: z.number().int(),
  late_count: z.number().int(),
  excused_absence_count: z.number().int(),
  unexcused_absence_count: z.number().int(),
  planned_minutes: z.number().int(),
  attended_minutes: z.number().int(),
  excused_absence_minutes: z.number().int(),
  unexcused_absence_minutes: z.number().int(),
  planned_hours: z.number(),
  attended_hours: z.number(),
  excused_absence_hours: z.number(),
  unexcused_absence_hours: z.number(),
  /** (present + late) / marked half-days, in percent; null while nothing is marked. */
  attendance_rate_marked: z.number().nullable(),
  /** (present + late on elapsed half-days) / elapsed half-days, in percent; null before the first ends. */
  attendance_rate_elapsed: z.number().nullable(),
});

export const attendanceGrid = z.object({
  session: z.object({
    id: z.uuid(),
    name: z.string(),
    status: z.string(),
    start_date: z.string(),
    end_date: z.string(),
  }),
  half_days: z.array(halfDay),
  students: z.array(sessionLearner.extend({
    cells: z.array(attendanceCell),
    summary: attendanceSummary,
  })),
});

export type AttendanceStatus = z.infer<typeof attendanceStatus>;
export type HalfDaySlotName = z.infer<typeof halfDaySlot>;
export type AttendanceEntry = z.infer<typeof attendanceEntry>;
export type SaveAttendance = z.infer<typeof saveAttendanceBody>;
export type MarkHalfDay = z.infer<typeof markHalfDayBody>;
export type AttendanceSummary = z.infer<typeof attendanceSummary>;
export type AttendanceGrid = z.infer<typeof attendanceGrid>;
