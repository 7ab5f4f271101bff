import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { isoDate, listResponse, money, optionalText, paginationQuery, queryBoolean, timestamp } from '../../shared/schemas';

export const ENROLLMENT_STATUSES = ['pending', 'confirmed', 'waitlisted', 'cancelled', 'completed'] as const;
/** `overdue`: payment is due and has not come (legacy EDUZEN databases hold it too). */
export const PAYMENT_STATUSES = ['pending', 'partial', 'paid', 'overdue', 'refunded', 'waived'] as const;

/** The fields of an enrollment that make its payment: all an accountant may change. */
export const PAYMENT_FIELDS = ['payment_status', 'amount_due', 'amount_paid'] as const;

/** Statuses that hold one of the session's seats (capacity_max counts them). */
export const SEAT_HOLDING_STATUSES = ['pending', 'confirmed', 'completed'] as const;

export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const enrollment = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  session_id: z.guid(),
  student_id: z.guid(),
  status: z.enum(ENROLLMENT_STATUSES),
  /** 1 for the first in line; null unless waitlisted. */
  waitlist_position: z.number().int().nullable(),
  enrollment_date: z.string(),
  enrolled_at: timestamp,
  cancelled_at: timestamp.nullable(),
  learner_category: z.string().nullable(),
  funding_scheme: z.string().nullable(),
  payment_status: z.enum(PAYMENT_STATUSES),
  amount_due: z.string().nullable(),
  amount_paid: z.string(),
  notes: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

const paymentFields = {
  payment_status: z.enum(PAYMENT_STATUSES).optional(),
  amount_due: money.nullable().optional(),
  amount_paid: money.optional(),
  notes: optionalText(5000).optional(),
};

export const createEnrollmentBody = z.object({
  session_id: z.guid(),
  student_id: z.guid(),
  /** The status wanted when a seat is free; a full session puts the learner on its waitlist. */
  status: z.enum(['pending', 'confirmed']).optional(),
  enrollment_date: isoDate.optional(),
  /** The learner's category and funding scheme as they are at enrollment time (kept as given). */
  learner_category: optionalText(100).optional(),
  funding_scheme: optionalText(100).optional(),
  ...paymentFields,
});

export const updateEnrollmentBody = z.object({
  status: z.enum(ENROLLMENT_STATUSES)
    .refine((status) => status !== 'waitlisted', i18nError('enrollment_status_not_settable'))
    .optional(),
  ...paymentFields,
});

export const ENROLLMENT_SORTS = ['enrolled_at', 'enrollment_date', 'status', 'created_at', 'updated_at'] as const;

export const listEnrollmentsQuery = paginationQuery.extend({
  sort: z.enum(ENROLLMENT_SORTS).default('enrolled_at'),
  session_id: z.guid().optional(),
  student_id: z.guid().optional(),
  status: z.enum(ENROLLMENT_STATUSES).optional(),
  payment_status: z.enum(PAYMENT_STATUSES).optional(),
});

export const enrollmentList = listResponse(enrollment);

/** An updated enrollment, with the waitlisted learners its cancellation moved into a seat. */
export const updatedEnrollment = enrollment.extend({ promoted: z.array(enrollment) });

export const rosterQuery = z.object({
  page: paginationQuery.shape.page,
  page_size: paginationQuery.shape.page_size,
  include_cancelled: queryBoolean.optional(),
});

export const rosterEntry = enrollment.extend({
  student: z.object({
    id: z.guid(),
    student_number: z.string().nullable(),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string().nullable(),
  }),
});

export const roster = listResponse(rosterEntry).extend({
  session: z.object({
    id: z.guid(),
    name: z.string(),
    status: z.string(),
    capacity_max: z.number().int().nullable(),
    seats_taken: z.number().int(),
    seats_free: z.number().int().nullable(),
    waitlisted: z.number().int(),
  }),
});

export type Enrollment = z.infer<typeof enrollment>;
export type CreateEnrollment = z.infer<typeof createEnrollmentBody>;
export type UpdateEnrollment = z.infer<typeof updateEnrollmentBody>;
export type ListEnrollmentsQuery = z.infer<typeof listEnrollmentsQuery>;
export type RosterQuery = z.infer<typeof rosterQuery>;
