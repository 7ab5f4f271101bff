import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { rejectNulCharacters, timeOfDay, timestamp } from '../../shared/schemas';
import { minutesOfDay } from '../../shared/slots';

const DAY_HOUR_FIELDS = ['morning_start', 'morning_end', 'afternoon_start', 'afternoon_end', 'evening_start', 'evening_end'] as const;

export const organization = z.object({
  id: z.guid(),
  code: z.string(),
  name: z.string(),
  country: z.string(),
  currency: z.string(),
  language: z.string(),
  timezone: z.string(),
  morning_start: z.string().describe('HH:MM; the usual hours are the defaults of slot generation'),
  morning_end: z.string(),
  afternoon_start: z.string(),
  afternoon_end: z.string(),
  evening_start: z.string(),
  evening_end: z.string(),
  updated_at: timestamp,
});

/**
 * The organisation's usual hours: each part of the day ends after it starts, and the parts
 * follow each other (morning, afternoon, evening) without overlapping. The service checks the
 * same on the hours as they will be stored.
 */
export function dayHoursIssue(hours: Partial<Record<(typeof DAY_HOUR_FIELDS)[number], string>>): string | undefined {
  let previous: number | undefined;
  for (const field of DAY_HOUR_FIELDS) {
    const value = hours[field];
    if (value === undefined) continue;
    const minutes = minutesOfDay(value);
    const isEnd = field.endsWith('_end');
    if (previous !== undefined && (isEnd ? minutes <= previous : minutes < previous)) return field;
    previous = minutes;
  }
  return undefined;
}

export const updateOrganizationBody = z.object(Object.fromEntries(DAY_HOUR_FIELDS.map((field) => [field, timeOfDay.optional()])) as Record<(typeof DAY_HOUR_FIELDS)[number], z.ZodOptional<typeof timeOfDay>>)
  .superRefine((hours, ctx) => {
    const field = dayHoursIssue(hours);
    if (field) ctx.addIssue({ code: 'custom', ...i18nError('day_hours_out_of_order'), path: [field] });
  })
  .superRefine(rejectNulCharacters);

export type UpdateOrganization = z.infer<typeof updateOrganizationBody>;
export type Organization = z.infer<typeof organization>;
