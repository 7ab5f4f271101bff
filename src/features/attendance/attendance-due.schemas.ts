import { z } from 'zod';
import { PARTS_OF_DAY } from '../../shared/slots';

/** The longest look-back the overview may ask for, in days. */
export const MAX_DUE_DAYS = 90;

export const attendanceDueQuery = z.object({
  days: z.coerce.number().int().min(1).max(MAX_DUE_DAYS).default(14),
});

export const attendanceDueItem = z.object({
  session_id: z.guid(),
  session_name: z.string(),
  formation_name: z.string(),
  slot_id: z.guid(),
  date: z.string(),
  part_of_day: z.enum(PARTS_OF_DAY),
  start_time: z.string(),
  end_time: z.string(),
  /** Learners with a confirmed or completed enrollment. */
  enrolled_count: z.number().int(),
  /** Those of them without a mark on this slot. */
  unmarked_count: z.number().int(),
});

export const attendanceDueList = z.object({
  /** First and last calendar day looked at, in the organisation's time zone. */
  from: z.string(),
  to: z.string(),
  items: z.array(attendanceDueItem),
  total: z.number().int(),
});

export type AttendanceDueQuery = z.infer<typeof attendanceDueQuery>;
export type AttendanceDueItem = z.infer<typeof attendanceDueItem>;
export type AttendanceDueList = z.infer<typeof attendanceDueList>;
