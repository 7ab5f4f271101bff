/**
 * zod building blocks shared by the API and the dashboard's forms: ids, dates, money, lists.
 * Pure zod, no server imports, so that the browser bundle can use the same schemas.
 */
import { z } from 'zod';
import { MESSAGES } from './i18n';

/**
 * An id as Postgres stores it: any 8-4-4-4-12 hex, not only RFC 4122's versions and variants.
 * Legacy databases hold ids made by md5(...)::uuid and by imports; `z.uuid()` refused them, and
 * an API response carrying one failed its own schema (a 500 for a legacy organisation's login).
 */
export const uuid = z.guid();

export const idParams = z.object({ id: z.guid() });

/** A calendar date without time, as ISO text: 2026-03-02. */
export const isoDate = z.iso.date();

/** A time of day, 09:00 or 09:00:00. */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'HH:MM');

/** An amount of money with at most two decimals, carried as text to keep it exact. */
export const money = z.union([z.number(), z.string()])
  .transform((value) => String(value).trim().replace(',', '.'))
  .pipe(z.string().regex(/^\d{1,8}(\.\d{1,2})?$/, 'a non-negative amount with at most 2 decimals'));

/** A trimmed, non-empty text. */
export const requiredText = (max = 200) => z.string().trim().min(1).max(max);

/** An optional text: empty strings become null. */
export const optionalText = (max = 5000) =>
  z.union([z.string(), z.null()])
    .transform((value) => (value === null || value.trim() === '' ? null : value.trim()))
    .pipe(z.string().max(max).nullable());

/** A boolean in a query string: true/false/1/0. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(25),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export function sortQuery<const T extends readonly [string, ...string[]]>(columns: T, fallback: T[number]) {
  return z.enum(columns).default(fallback as never);
}

export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
  });
}

export type ListResult<T> = { items: T[]; total: number; page: number; page_size: number };

export const timestamp = z.union([z.date(), z.string()]).transform((value) => (value instanceof Date ? value.toISOString() : value));

/** A learner as listed on a session's grids (attendance, grades), with their enrollment's status. */
export const sessionLearner = z.object({
  student_id: z.guid(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  student_number: z.string().nullable(),
  enrollment_status: z.string().nullable(),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** Postgres text cannot hold U+0000: refuse it as a field error rather than fail in the database. */
export function rejectNulCharacters(values: Record<string, unknown>, ctx: z.RefinementCtx) {
  for (const [field, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      ctx.addIssue({ code: 'custom', message: MESSAGES.text_has_nul_character.en, params: { i18n: 'text_has_nul_character' }, path: [field] });
    }
  }
}
