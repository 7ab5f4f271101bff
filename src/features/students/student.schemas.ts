import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { isoDate, listResponse, optionalText, paginationQuery, requiredText, timestamp } from '../../shared/schemas';

export const STUDENT_STATUSES = ['active', 'inactive', 'graduated', 'suspended'] as const;

/** Learners' numbers: letters, digits, . _ - / (e.g. STG-000123, generated when omitted). */
export const studentNumber = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits, . _ - /');

/** An optional e-mail address, stored trimmed and in lower case; empty means none. */
export const optionalEmail = z.union([z.string(), z.null()])
  .transform((value) => (value === null || value.trim() === '' ? null : value.trim().toLowerCase()))
  .pipe(z.email().max(254).nullable());

export const optionalPhone = optionalText(40)
  .pipe(z.string().regex(/^\+?[0-9 ().-]{3,40}$/, 'digits, spaces, + ( ) . -').nullable());

function isPlausibleBirthDate(value: string | null): boolean {
  if (value === null) return true;
  return value >= '1900-01-01' && value <= new Date().toISOString().slice(0, 10);
}

export const optionalBirthDate = z.union([isoDate, z.null()])
  .refine(isPlausibleBirthDate, i18nError('date_of_birth_out_of_range'));

export const student = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  student_number: z.string().nullable(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  date_of_birth: z.string().nullable(),
  employer: z.string().nullable(),
  status: z.enum(STUDENT_STATUSES),
  notes: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createStudentBody = z.object({
  student_number: studentNumber.optional(),
  first_name: requiredText(100),
  last_name: requiredText(100),
  email: optionalEmail.optional(),
  phone: optionalPhone.optional(),
  date_of_birth: optionalBirthDate.optional(),
  employer: optionalText(200).optional(),
  status: z.enum(STUDENT_STATUSES).optional(),
  notes: optionalText(5000).optional(),
});

export const updateStudentBody = createStudentBody.partial();

export const STUDENT_SORTS = ['last_name', 'first_name', 'student_number', 'email', 'status', 'created_at', 'updated_at'] as const;

export const listStudentsQuery = paginationQuery.extend({
  sort: z.enum(STUDENT_SORTS).default('last_name'),
  status: z.enum(STUDENT_STATUSES).optional(),
  q: z.string().trim().max(100).optional(),
});

export const studentList = listResponse(student);

export const importStudentsQuery = z.object({
  dry_run: z.enum(['true', 'false', '1', '0']).default('false').transform((value) => value === 'true' || value === '1'),
});

/** The CSV text itself; a maximum size is also enforced by the content-type parser. */
export const importStudentsBody = z.string().max(2 * 1024 * 1024);

export const importRejection = z.object({
  row: z.number().int(),
  field: z.string().nullable(),
  message: z.string(),
});

export const importReport = z.object({
  dry_run: z.boolean(),
  imported: z.boolean(),
  total_rows: z.number().int(),
  valid_rows: z.number().int(),
  created: z.number().int(),
  rejected: z.array(importRejection),
  ignored_columns: z.array(z.string()),
  students: z.array(z.object({ row: z.number().int(), id: z.guid(), student_number: z.string() })),
});

export type Student = z.infer<typeof student>;
export type CreateStudent = z.infer<typeof createStudentBody>;
export type UpdateStudent = z.infer<typeof updateStudentBody>;
export type ListStudentsQuery = z.infer<typeof listStudentsQuery>;
export type ImportRejection = z.infer<typeof importRejection>;
export type ImportReport = z.infer<typeof importReport>;
