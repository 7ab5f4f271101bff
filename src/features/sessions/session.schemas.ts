import { z } from 'zod';
import { i18nError, MESSAGES, type MessageKey } from '../../shared/i18n';
import { isoDate, listResponse, optionalText, paginationQuery, queryBoolean, requiredText, timestamp, rejectNulCharacters } from '../../shared/schemas';
import { schedulePattern } from './slot.schemas';

export const SESSION_STATUSES = ['planned', 'ongoing', 'completed', 'cancelled'] as const;

/** The longest a session may run, in days (ten years): beyond that a date is surely a typo. */
export const SESSION_MAX_DAYS = 3660;

/** A session date: years 1900 to 2999 (beyond that it is a typo, and Postgres rejects year 0). */
export const sessionDate = isoDate.refine((date) => date >= '1900-01-01' && date <= '2999-12-31', i18nError('session_date_out_of_range'));

export const session = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  formation_id: z.guid(),
  formation_name: z.string(),
  program_id: z.guid().nullable().describe('The programme of the session’s formation, if any'),
  program_name: z.string().nullable(),
  name: z.string(),
  start_date: isoDate,
  end_date: isoDate,
  slot_count: z.number().int().describe('Slots of the schedule, cancelled ones included'),
  planned_minutes: z.number().int().describe('The sum of the minutes of the slots that are not cancelled'),
  teacher_id: z.guid().nullable(),
  teacher_name: z.string().nullable().describe('The trainer’s full name (or e-mail when the name is empty)'),
  location: z.string().nullable(),
  capacity_max: z.number().int().nullable().describe('Seats; null means unlimited'),
  status: z.enum(SESSION_STATUSES),
  enrolled_count: z.number().int()
    .describe('Enrollments holding a seat: status pending, confirmed or completed (waitlisted and cancelled ones do not count)'),
  waitlisted_count: z.number().int().describe('Enrollments with status waitlisted'),
  seats_remaining: z.number().int().nullable()
    .describe('capacity_max minus enrolled_count, never below 0; null when capacity_max is null (unlimited)'),
  created_at: timestamp,
  updated_at: timestamp,
});

type ScheduleFields = {
  start_date?: string;
  end_date?: string;
};

function addI18nIssue(ctx: z.RefinementCtx, key: MessageKey, field: string) {
  ctx.addIssue({ code: 'custom', message: MESSAGES[key].en, params: { i18n: key }, path: [field] });
}

function daysBetween(start: string, end: string): number {
  return (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
}

/**
 * The schedule rules a request can break on its own (for the fields it sends); the service
 * applies the same rules again to the merged session (sent fields over stored or default ones).
 */
export function scheduleIssue(values: ScheduleFields): { key: MessageKey; field: string } | undefined {
  if (values.start_date && values.end_date) {
    if (values.end_date < values.start_date) return { key: 'end_date_before_start', field: 'end_date' };
    if (daysBetween(values.start_date, values.end_date) > SESSION_MAX_DAYS) return { key: 'session_too_long', field: 'end_date' };
  }
  return undefined;
}

function checkSchedule(values: ScheduleFields, ctx: z.RefinementCtx) {
  const issue = scheduleIssue(values);
  if (issue) addI18nIssue(ctx, issue.key, issue.field);
}

const sessionFields = z.object({
  formation_id: z.guid(),
  name: requiredText(200),
  start_date: sessionDate,
  end_date: sessionDate,
  teacher_id: z.guid().nullable().optional().describe('A user of the organisation with role teacher or admin'),
  location: optionalText(500).optional(),
  capacity_max: z.number().int().min(1).max(100000).nullable().optional(),
  status: z.enum(SESSION_STATUSES).optional(),
});

export const createSessionBody = sessionFields.extend({
  schedule: schedulePattern.nullable().optional()
    .describe('The slots to generate over the session’s dates; omitted: weekdays, morning and afternoon at the organisation’s hours; null: no slot yet'),
}).superRefine(checkSchedule).superRefine(rejectNulCharacters);
export const updateSessionBody = sessionFields.partial().superRefine(checkSchedule).superRefine(rejectNulCharacters);

export const SESSION_SORTS = ['start_date', 'end_date', 'name', 'status', 'created_at', 'updated_at'] as const;

export const listSessionsQuery = paginationQuery.extend({
  sort: z.enum(SESSION_SORTS).default('start_date'),
  formation_id: z.guid().optional(),
  program_id: z.union([z.literal('none'), z.guid()]).optional()
    .describe('Sessions of the formations of this programme, or `none` for formations without a programme'),
  status: z.enum(SESSION_STATUSES).optional(),
  teacher_id: z.guid().optional(),
  from: sessionDate.optional().describe('Sessions ending on or after this date'),
  to: sessionDate.optional().describe('Sessions starting on or before this date'),
  q: z.string().trim().max(100).optional().describe('Searches the session name and the formation name'),
}).refine((query) => !query.from || !query.to || query.from <= query.to, i18nError('end_date_before_start', ['to']))
  .superRefine(rejectNulCharacters);

export const sessionList = listResponse(session);

/** Who can be named as a session's trainer: active accounts with the role teacher or admin. */
export const trainer = z.object({
  id: z.guid(),
  full_name: z.string().nullable(),
  email: z.string(),
  role: z.enum(['teacher', 'admin']),
});

export const listTrainersQuery = paginationQuery.omit({ order: true }).extend({
  page_size: z.coerce.number().int().min(1).max(200).default(200),
  q: z.string().trim().max(100).optional().describe('Searches the name and the e-mail'),
}).superRefine(rejectNulCharacters);

export const trainerList = listResponse(trainer);

export type Session = z.infer<typeof session>;
export type ListTrainersQuery = z.infer<typeof listTrainersQuery>;
export type CreateSession = z.infer<typeof createSessionBody>;
export type UpdateSession = z.infer<typeof updateSessionBody>;
export type ListSessionsQuery = z.infer<typeof listSessionsQuery>;
