import { z } from 'zod';
import { MESSAGES, i18nError } from '../../shared/i18n';
import { STAFF_ROLES } from '../../shared/roles';
import { listResponse, optionalText, paginationQuery, queryBoolean, timestamp, rejectNulCharacters } from '../../shared/schemas';

/** The roles an account may have: the staff roles of src/shared/roles.ts. */
export const USER_ROLES = STAFF_ROLES;

export const PASSWORD_MIN_LENGTH = 10;

export const staffUser = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  email: z.string(),
  full_name: z.string().nullable(),
  role: z.enum(USER_ROLES),
  is_active: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createdStaffUser = staffUser.extend({
  temporary_password: z.string().optional()
    .describe('Only when the request named no password: shown once, to hand to the new user; it is not stored in clear'),
});

export const staffEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());

export const createUserBody = z.object({
  email: staffEmail,
  full_name: optionalText(200).optional(),
  role: z.enum(USER_ROLES),
  password: z.string().max(1000)
    .refine((password) => password.length >= PASSWORD_MIN_LENGTH, i18nError('password_too_short'))
    .optional()
    .describe('At least 10 characters; when omitted, a temporary password is generated and returned once'),
}).superRefine(rejectNulCharacters);

export const updateUserBody = z.object({
  full_name: optionalText(200).optional(),
  role: z.enum(USER_ROLES).optional(),
  is_active: z.boolean().optional().describe('false deactivates the account: it can no longer sign in'),
}).superRefine(rejectNulCharacters);

export const USER_SORTS = ['email', 'full_name', 'role', 'created_at', 'updated_at'] as const;

export const listUsersQuery = paginationQuery.extend({
  sort: z.enum(USER_SORTS).default('email'),
  role: z.enum(USER_ROLES).optional(),
  is_active: queryBoolean.optional(),
  q: z.string().trim().max(100).optional().describe('Searches the e-mail and the full name'),
}).superRefine(rejectNulCharacters);

export const userList = listResponse(staffUser);

export type StaffUser = z.infer<typeof staffUser>;
export type CreateUser = z.infer<typeof createUserBody>;
export type UpdateUser = z.infer<typeof updateUserBody>;
export type ListUsersQuery = z.infer<typeof listUsersQuery>;
