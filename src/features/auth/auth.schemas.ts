import { z } from 'zod';
import { STAFF_ROLES } from '../../shared/roles';

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(1000),
});

export const staffRole = z.enum(STAFF_ROLES);

export const currentUser = z.object({
  user: z.object({
    id: z.guid(),
    email: z.string(),
    full_name: z.string().nullable(),
    role: staffRole,
  }),
  organization: z.object({
    id: z.guid(),
    code: z.string(),
    name: z.string(),
    language: z.string(),
    currency: z.string(),
    timezone: z.string(),
    country: z.string(),
    day_hours: z.object({
      morning_start: z.string(), morning_end: z.string(),
      afternoon_start: z.string(), afternoon_end: z.string(),
      evening_start: z.string(), evening_end: z.string(),
    }).describe('The organisation’s usual hours (HH:MM), the defaults of slot generation'),
  }),
  /** Echo it in X-CSRF-Token on mutations when authenticated by cookie. */
  csrf_token: z.string().nullable(),
});

export const loginResponse = currentUser.extend({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});

export type CurrentUser = z.infer<typeof currentUser>;
