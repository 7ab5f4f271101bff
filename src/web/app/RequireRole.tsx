import { Outlet } from 'react-router-dom';
import { NotFound } from '../components/NotFound';
import { useCurrentUser } from '../features/auth/auth.api';

type Role = 'admin' | 'secretary' | 'teacher' | 'staff';

/** Pages for some roles only: others get the not-found page, as for any page they cannot see. */
export function RequireRole({ roles }: { roles: Role[] }) {
  const me = useCurrentUser();
  if (!me.data || !roles.includes(me.data.user.role)) return <NotFound />;
  return <Outlet />;
}
