import { z } from 'zod';
import { MESSAGES, i18nError } from '../../shared/i18n';
import { listResponse, money, optionalText, paginationQuery, queryBoolean, requiredText, timestamp, rejectNulCharacters } from '../../shared/schemas';

export const formationCode = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ -');

export const DURATION_UNITS = ['hours', 'days', 'weeks', 'months'] as const;

/** Hours with at most two decimals (numeric(7,2)), carried as text like money. */
const durationHours = z.union([z.number(), z.string()])
  .transform((value) => String(value).trim().replace(',', '.'))
  .pipe(z.string().regex(/^\d{1,5}(\.\d{1,2})?$/, 'a non-negative number of hours with at most 2 decimals'));

const smallCount = (max: number) => z.number().int().min(0).max(max);

export const formation = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  program_id: z.guid().nullable(),
  program_name: z.string().nullable().describe('Name of the programme the formation belongs to, if any'),
  code: z.string(),
  name: z.string(),
  subtitle: z.string().nullable(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  duration_hours: z.string().nullable(),
  duration_days: z.number().int().nullable(),
  duration_unit: z.enum(DURATION_UNITS).nullable(),
  price: z.string().nullable(),
  currency: z.string(),
  payment_plan: z.string().nullable(),
  prerequisites: z.string().nullable(),
  capacity_max: z.number().int().nullable(),
  age_min: z.number().int().nullable(),
  age_max: z.number().int().nullable(),
  modalities: z.string().nullable(),
  pedagogical_objectives: z.string().nullable(),
  training_content: z.string().nullable(),
  eligible_cpf: z.boolean(),
  cpf_code: z.string().nullable(),
  certification_issued: z.boolean(),
  photo_url: z.string().nullable(),
  published_online: z.boolean(),
  is_active: z.boolean(),
  session_count: z.number().int().describe('Number of sessions of this formation, whatever their status'),
  created_at: timestamp,
  updated_at: timestamp,
});

const formationFields = z.object({
  program_id: z.guid().nullable().optional(),
  code: formationCode,
  name: requiredText(200),
  subtitle: optionalText(300).optional(),
  description: optionalText(20000).optional(),
  category: optionalText(100).optional(),
  duration_hours: durationHours.nullable().optional(),
  duration_days: smallCount(10000).nullable().optional(),
  duration_unit: z.enum(DURATION_UNITS).nullable().optional(),
  price: money.nullable().optional(),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code (EUR, XOF…)').optional(),
  payment_plan: optionalText(1000).optional(),
  prerequisites: optionalText(5000).optional(),
  capacity_max: z.number().int().min(1).max(100000).nullable().optional(),
  age_min: smallCount(150).nullable().optional(),
  age_max: smallCount(150).nullable().optional(),
  modalities: optionalText(2000).optional(),
  pedagogical_objectives: optionalText(20000).optional(),
  training_content: optionalText(50000).optional(),
  eligible_cpf: z.boolean().optional(),
  cpf_code: optionalText(50).optional(),
  certification_issued: z.boolean().optional(),
  photo_url: optionalText(2000).pipe(z.url({ protocol: /^https?$/ }).nullable()).optional(),
  published_online: z.boolean().optional(),
  is_active: z.boolean().optional(),
});

function ageRangeInOrder(values: { age_min?: number | null; age_max?: number | null }) {
  return values.age_min == null || values.age_max == null || values.age_min <= values.age_max;
}

export const createFormationBody = formationFields
  .refine(ageRangeInOrder, i18nError('age_range_reversed', ['age_min']))
  .superRefine(rejectNulCharacters);

/** Partial update; the age range is checked again against the stored row by the service. */
export const updateFormationBody = formationFields.partial()
  .refine(ageRangeInOrder, i18nError('age_range_reversed', ['age_min']))
  .superRefine(rejectNulCharacters);

export const FORMATION_SORTS = ['name', 'code', 'category', 'price', 'created_at', 'updated_at'] as const;

export const listFormationsQuery = paginationQuery.extend({
  sort: z.enum(FORMATION_SORTS).default('name'),
  program_id: z.union([z.literal('none'), z.guid()]).optional()
    .describe('A programme id, or `none` for formations without a programme'),
  category: z.string().trim().min(1).max(100).optional(),
  is_active: queryBoolean.optional(),
  q: z.string().trim().max(100).optional().describe('Searches the code and the name'),
}).superRefine(rejectNulCharacters);

export const formationList = listResponse(formation);

export type Formation = z.infer<typeof formation>;
export type CreateFormation = z.infer<typeof createFormationBody>;
export type UpdateFormation = z.infer<typeof updateFormationBody>;
export type ListFormationsQuery = z.infer<typeof listFormationsQuery>;
