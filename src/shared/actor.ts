/**
 * Who is acting: the authenticated staff member as services see them. Services check the
 * permission table (src/shared/roles.ts, docs/permissions.md) with assertCan before touching
 * data, so that a refusal is a clear 403; row-level security enforces the same table underneath.
 */
import { AppError } from './errors';
import { PERMISSIONS, type Permission, type StaffRole } from './roles';

export type { Permission, StaffRole };

export type Actor = {
  userId: string;
  organizationId: string;
  role: StaffRole;
};

/** Roles that manage the catalogue (programmes, formations, sessions, slots) and learners. */
export const MANAGERS: readonly StaffRole[] = PERMISSIONS.manageCatalogue;

export function assertRole(actor: Actor, roles: readonly StaffRole[]): void {
  if (!roles.includes(actor.role)) {
    throw new AppError('FORBIDDEN', `this action needs one of the roles: ${roles.join(', ')}`);
  }
}

export function assertCan(actor: Actor, permission: Permission): void {
  assertRole(actor, PERMISSIONS[permission]);
}
