/**
 * What the signed-in role may do: the permission table of src/shared/roles.ts (the API and
 * row-level security enforce the same table; the dashboard only hides what would be refused).
 */
import { type Permission, can } from '../../../shared/roles';
import { useCurrentUser } from './auth.api';

export function useRole() {
  return useCurrentUser().data?.user.role;
}

export function useCan(permission: Permission): boolean {
  return can(useRole(), permission);
}

/** Admins and the secretariat write the catalogue, learners and enrollments. */
export function useCanWrite(): boolean {
  return useCan('manageCatalogue');
}

/** Attendance and grades: also teachers (the API limits them to their own sessions). */
export function useCanMark(): boolean {
  return useCan('recordMarks');
}
