import { z } from 'zod';
import { listResponse, optionalText, paginationQuery, queryBoolean, requiredText, timestamp } from '../../shared/schemas';

export const programCode = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ -');

export const program = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  is_active: z.boolean(),
  formation_count: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createProgramBody = z.object({
  code: programCode,
  name: requiredText(200),
  description: optionalText(5000).optional(),
  category: optionalText(100).optional(),
  is_active: z.boolean().optional(),
});

export const updateProgramBody = createProgramBody.partial();

export const PROGRAM_SORTS = ['name', 'code', 'created_at', 'updated_at'] as const;

export const listProgramsQuery = paginationQuery.extend({
  sort: z.enum(PROGRAM_SORTS).default('name'),
  is_active: queryBoolean.optional(),
  q: z.string().trim().max(100).optional(),
});

export const programList = listResponse(program);

export const linkFormationsBody = z.object({
  formation_ids: z.array(z.guid()).min(1).max(500),
});

export type Program = z.infer<typeof program>;
export type CreateProgram = z.infer<typeof createProgramBody>;
export type UpdateProgram = z.infer<typeof updateProgramBody>;
export type ListProgramsQuery = z.infer<typeof listProgramsQuery>;
