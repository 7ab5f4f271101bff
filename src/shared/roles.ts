/**
 * Staff roles and what each may do: the one list of roles and the one permission table of
 * docs/permissions.md, read by the API's services, the dashboard and the tests. Pure (no server
 * import), so that the dashboard bundles it as it is.
 *
 * Row-level security enforces the same table in Postgres (the policies of
 * supabase/migrations/20251201000200_row_level_security.sql and the migrations after it); the
 * services check it first so that a refusal is a clear 403 rather than an empty result. A role
 * added here must be added to users_role_check too, which public.create_staff_account follows
 * (tests/tenancy/accountant-rls.test.ts compares them).
 *
 * Learners and parents are not staff: their accounts live in public.portal_accounts and open
 * neither the dashboard nor the API (docs/decisions/013-legacy-roles-and-statuses.md).
 */

export const STAFF_ROLES = ['admin', 'secretary', 'teacher', 'staff', 'accountant'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who may do what. A teacher's rights on sessions, their learners, attendance and grades are
 * limited to the sessions they train (`sessions.teacher_id`); every right is limited to the
 * caller's own organisation.
 */
export const PERMISSIONS = {
  /** Staff accounts: /api/users, /dashboard/users. */
  manageUsers: ['admin'],
  /** The organisation's settings (usual hours): PATCH /api/organization, /dashboard/settings. */
  manageOrganization: ['admin'],
  /** Programmes, formations, sessions and their slots. */
  manageCatalogue: ['admin', 'secretary'],
  /** Learners: create, edit, import, delete. */
  manageStudents: ['admin', 'secretary'],
  /** Enrolling a learner, an enrollment's status (cancelling, completing), its notes, deleting it. */
  manageEnrollments: ['admin', 'secretary'],
  /** The payment of an enrollment: payment_status, amount_due, amount_paid. */
  recordPayments: ['admin', 'secretary', 'accountant'],
  /** Recording attendance and grades (a teacher: in the sessions they train). */
  recordMarks: ['admin', 'secretary', 'teacher'],
  /** Every session of the organisation, its learners, roster and attendance (a teacher: their own). */
  readAllSessions: ['admin', 'secretary', 'staff', 'accountant'],
  /** Grades (a teacher: of the sessions they train). */
  readGrades: ['admin', 'secretary', 'teacher', 'staff'],
  /** The funders' exports of a session the caller may read. */
  exportSessions: ['admin', 'secretary', 'teacher', 'staff', 'accountant'],
  /** The history of attendance and grades (change_log). */
  readChangeLog: ['admin'],
  /** Learners' and parents' accounts (portal_accounts). */
  readPortalAccounts: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Whether the role has the permission; no role (nobody signed in) has none. */
export function can(role: StaffRole | undefined, permission: Permission): boolean {
  return role !== undefined && (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
