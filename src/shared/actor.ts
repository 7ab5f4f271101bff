/**
 * Who is acting: the authenticated staff member as services see them. Services check the
 * permission matrix (docs/permissions.md) with assertRole before touching data, so that a
 * refusal is a clear 403; row-level security enforces the same matrix underneath.
 */
import { AppError } from './errors';

export type StaffRole = 'admin' | 'secretary' | 'teacher' | 'staff';

export type Actor = {
  userId: string;
  organizationId: string;
  role: StaffRole;
};

/** Roles that manage the catalogue, students and enrollments. */
export const MANAGERS: readonly StaffRole[] = ['admin', 'secretary'];

export function assertRole(actor: Actor, roles: readonly StaffRole[]): void {
  if (!roles.includes(actor.role)) {
    throw new AppError('FORBIDDEN', `this action needs one of the roles: ${roles.join(', ')}`);
  }
}
