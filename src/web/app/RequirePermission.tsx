import { Outlet, useOutletContext } from 'react-router-dom';
import { type Permission, can } from '../../shared/roles';
import { NotFound } from '../components/NotFound';
import { useCurrentUser } from '../features/auth/auth.api';

/**
 * Pages behind a permission (src/shared/roles.ts): others get the not-found page, as for any
 * page they cannot see. The parent's outlet context (a session's, for its tabs) passes through.
 */
export function RequirePermission({ permission }: { permission: Permission }) {
  const me = useCurrentUser();
  const context = useOutletContext();
  if (!me.data || !can(me.data.user.role, permission)) return <NotFound />;
  return <Outlet context={context} />;
}
