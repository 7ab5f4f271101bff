/** What the signed-in role may do, mirroring docs/permissions.md (the API enforces it). */
import { useCurrentUser } from './auth.api';

/** Admins and the secretariat write the catalogue, students and enrollments. */
export function useCanWrite(): boolean {
  const role = useCurrentUser().data?.user.role;
  return role === 'admin' || role === 'secretary';
}

/** Attendance and grades: also teachers (the API limits them to their own sessions). */
export function useCanMark(): boolean {
  const role = useCurrentUser().data?.user.role;
  return role === 'admin' || role === 'secretary' || role === 'teacher';
}

export function useRole() {
  return useCurrentUser().data?.user.role;
}
