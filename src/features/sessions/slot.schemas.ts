import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { isoDate, optionalText, rejectNulCharacters, timeOfDay, timestamp } from '../../shared/schemas';
import { MAX_GENERATED_SLOTS, PARTS_OF_DAY, SLOT_STATUSES, TRAINER_ROLES, WEEKDAYS, minutesOfDay } from '../../shared/slots';

export const partOfDay = z.enum(PARTS_OF_DAY);
export const slotStatus = z.enum(SLOT_STATUSES);
export const trainerRole = z.enum(TRAINER_ROLES);

/** A slot date: years 1900 to 2999, like a session's. */
const slotDate = isoDate.refine((date) => date >= '1900-01-01' && date <= '2999-12-31', i18nError('session_date_out_of_range'));

export const slotParams = z.object({ id: z.guid(), slotId: z.guid() });

const nonWorkingDay = z.object({
  kind: z.enum(['sunday', 'holiday']),
  name: z.object({ fr: z.string(), en: z.string() }),
}).describe('Set when the slot falls on a Sunday or a public holiday of the organisation’s country');

export const slotTrainer = z.object({
  user_id: z.guid(),
  full_name: z.string().nullable(),
  email: z.string(),
  role: trainerRole,
});

export const slot = z.object({
  id: z.guid(),
  session_id: z.guid(),
  date: isoDate,
  start_time: z.string().describe('HH:MM'),
  end_time: z.string().describe('HH:MM, after start_time on the same day'),
  part_of_day: partOfDay,
  minutes: z.number().int().describe('end_time − start_time, in minutes'),
  location: z.string().nullable().describe('The slot’s own place; null: the session’s location'),
  virtual_room_url: z.string().nullable(),
  module_title: z.string().nullable(),
  status: slotStatus,
  cancellation_reason: z.string().nullable(),
  trainers: z.array(slotTrainer).describe('The slot’s own trainers; empty: the session’s trainer'),
  non_working_day: nonWorkingDay.nullable(),
  marked_count: z.number().int().describe('Attendance marks recorded on this slot'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const slotList = z.object({
  items: z.array(slot),
  total: z.number().int(),
  planned_minutes: z.number().int().describe('The sum of the minutes of the slots that are not cancelled'),
});

const trainerAssignment = z.object({ user_id: z.guid(), role: trainerRole.default('lead') });

const slotFields = z.object({
  date: slotDate,
  start_time: timeOfDay,
  end_time: timeOfDay,
  part_of_day: partOfDay.optional().describe('Morning before 12:00, afternoon before 18:00, evening after, unless said'),
  location: optionalText(500).optional(),
  virtual_room_url: optionalText(2000).optional(),
  module_title: optionalText(300).optional(),
  status: slotStatus.optional(),
  cancellation_reason: optionalText(1000).optional(),
  trainers: z.array(trainerAssignment).max(20).optional(),
});

function checkSlot(values: Partial<z.infer<typeof slotFields>>, ctx: z.RefinementCtx) {
  if (values.start_time && values.end_time && minutesOfDay(values.end_time) <= minutesOfDay(values.start_time)) {
    ctx.addIssue({ code: 'custom', ...i18nError('slot_end_before_start'), path: ['end_time'] });
  }
  if (values.cancellation_reason && values.status && values.status !== 'cancelled') {
    ctx.addIssue({ code: 'custom', ...i18nError('cancellation_reason_needs_cancelled'), path: ['cancellation_reason'] });
  }
  const seen = new Set<string>();
  values.trainers?.forEach((trainer, index) => {
    if (seen.has(trainer.user_id)) ctx.addIssue({ code: 'custom', ...i18nError('trainer_repeated'), path: ['trainers', index, 'user_id'] });
    seen.add(trainer.user_id);
  });
}

/** A new slot is planned unless it says otherwise, so a reason alone is refused as well. */
export const createSlotBody = slotFields
  .superRefine((values, ctx) => checkSlot({ status: 'planned', ...values }, ctx))
  .superRefine(rejectNulCharacters);
export const updateSlotBody = slotFields.partial().superRefine(checkSlot).superRefine(rejectNulCharacters);

export const dayPartInput = z.object({
  part_of_day: partOfDay,
  start_time: timeOfDay,
  end_time: timeOfDay,
}).refine((part) => minutesOfDay(part.end_time) > minutesOfDay(part.start_time), i18nError('slot_end_before_start', ['end_time']));

/** The parts of each day a pattern makes, each once, none overlapping another. */
export const dayParts = z.array(dayPartInput).min(1).max(3).superRefine((parts, ctx) => {
  const seen = new Set<string>();
  parts.forEach((part, index) => {
    if (seen.has(part.part_of_day)) ctx.addIssue({ code: 'custom', ...i18nError('slot_part_repeated'), path: [index, 'part_of_day'] });
    seen.add(part.part_of_day);
    parts.slice(0, index).forEach((earlier) => {
      if (minutesOfDay(part.start_time) < minutesOfDay(earlier.end_time) && minutesOfDay(earlier.start_time) < minutesOfDay(part.end_time)) {
        ctx.addIssue({ code: 'custom', ...i18nError('slot_parts_overlap'), path: [index, 'start_time'] });
      }
    });
  });
});

/** A weekly pattern; what it leaves out comes from the session and the organisation. */
export const schedulePattern = z.object({
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(WEEKDAYS.length).optional()
    .describe('ISO weekdays (1 = Monday … 7 = Sunday); default Monday to Friday'),
  parts: dayParts.optional().describe('Default: morning and afternoon at the organisation’s hours'),
  skip_non_working_days: z.boolean().optional().describe('Leave out Sundays and public holidays (default true)'),
});

export const generateSlotsBody = schedulePattern.extend({
  from: slotDate.optional().describe('Default: the session’s start date'),
  to: slotDate.optional().describe('Default: the session’s end date'),
  replace: z.boolean().default(false).describe('Delete the session’s slots that have no attendance mark first'),
  preview: z.boolean().default(false).describe('Answer what would be done and write nothing'),
}).refine((body) => !body.from || !body.to || body.from <= body.to, i18nError('end_date_before_start', ['to']));

const generatedSlot = z.object({
  date: isoDate,
  part_of_day: partOfDay,
  start_time: z.string(),
  end_time: z.string(),
  minutes: z.number().int(),
});

export const generateSlotsResult = z.object({
  preview: z.boolean(),
  created: z.array(generatedSlot).describe('The slots made (or that would be made)'),
  skipped: z.array(z.object({ date: isoDate }).extend(nonWorkingDay.shape)).describe('Dates left out: Sundays and public holidays'),
  overlapping: z.array(generatedSlot).describe('Slots of the pattern left out because the session already has a slot at that time'),
  removed_count: z.number().int().describe('Slots deleted first (replace)'),
  kept_with_marks: z.number().int().describe('Slots replace kept because attendance is recorded on them'),
  planned_minutes: z.number().int().describe('The session’s planned minutes afterwards'),
}).describe(`At most ${MAX_GENERATED_SLOTS} slots per generation`);

export const planningQuery = z.object({
  from: slotDate,
  to: slotDate,
  teacher_id: z.guid().optional().describe('Slots this user trains (the slot’s trainers, or the session’s when the slot has none)'),
  location: z.string().trim().min(1).max(500).optional().describe('Slots held at this place (the slot’s, or the session’s)'),
  session_id: z.guid().optional(),
}).refine((query) => query.from <= query.to, i18nError('end_date_before_start', ['to']))
  .refine((query) => Date.parse(query.to) - Date.parse(query.from) <= 92 * 86_400_000, i18nError('range_too_long', ['to']))
  .superRefine(rejectNulCharacters);

export const slotConflict = z.object({
  kind: z.enum(['trainer', 'learner', 'room']),
  other_slot_id: z.guid(),
  other_session_id: z.guid(),
  other_session_name: z.string(),
  subject: z.string().describe('The trainer’s name, the learner’s name, or the place shared'),
});

export const planningSlot = slot.omit({ marked_count: true }).extend({
  session_name: z.string(),
  session_status: z.string(),
  formation_name: z.string(),
  place: z.string().nullable().describe('Where it is held: the slot’s location, else the session’s'),
  effective_trainers: z.array(slotTrainer).describe('The slot’s trainers, else the session’s trainer'),
  learner_count: z.number().int().describe('Learners holding a seat in the session'),
  conflicts: z.array(slotConflict).describe('Another slot at the same time with the same trainer, learner or place'),
});

export const planning = z.object({
  from: isoDate,
  to: isoDate,
  items: z.array(planningSlot),
  total: z.number().int(),
  conflict_count: z.number().int(),
});

export type Slot = z.infer<typeof slot>;
export type CreateSlot = z.infer<typeof createSlotBody>;
export type UpdateSlot = z.infer<typeof updateSlotBody>;
export type SchedulePattern = z.infer<typeof schedulePattern>;
export type GenerateSlots = z.infer<typeof generateSlotsBody>;
export type GenerateSlotsResult = z.infer<typeof generateSlotsResult>;
export type PlanningQuery = z.infer<typeof planningQuery>;
export type Planning = z.infer<typeof planning>;
export type PlanningSlot = z.infer<typeof planningSlot>;
