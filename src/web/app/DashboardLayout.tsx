/**
 * The signed-in frame: sidebar navigation, header with the organisation, the FR/EN switch and
 * the user menu. Redirects to /login (keeping the wanted URL) when nobody is signed in.
 */
import { Suspense, useEffect, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ErrorState, Loading } from '../components/States';
import { useCurrentUser, useLogout } from '../features/auth/auth.api';
import { type MessageKey, useI18n } from '../lib/i18n';
import { OrganizationProvider } from '../lib/organization';
import { type Permission, can } from '../../shared/roles';

/** `permission`: shown only to the roles that have it (src/shared/roles.ts). */
type NavItem = { to: string; label: MessageKey; icon: string; end?: boolean; permission?: Permission };

const NAV: NavItem[] = [
  { to: '/dashboard', label: 'nav.overview', icon: '◧', end: true },
  { to: '/dashboard/programs', label: 'nav.programs', icon: '▦' },
  { to: '/dashboard/formations', label: 'nav.formations', icon: '◆' },
  { to: '/dashboard/sessions', label: 'nav.sessions', icon: '◷' },
  { to: '/dashboard/planning', label: 'nav.planning', icon: '▤' },
  { to: '/dashboard/students', label: 'nav.students', icon: '☺' },
  { to: '/dashboard/users', label: 'nav.users', icon: '⚙', permission: 'manageUsers' },
  { to: '/dashboard/settings', label: 'nav.settings', icon: '◔', permission: 'manageOrganization' },
];

export function DashboardLayout() {
  const me = useCurrentUser();
  const logout = useLogout();
  const location = useLocation();
  const navigate = useNavigate();
  const { t } = useI18n();
  const [menuOpen, setMenuOpen] = useState(false);
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => {
    setMenuOpen(false);
    setNavOpen(false);
  }, [location.pathname]);

  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const { user, organization } = me.data;
  const displayName = user.full_name ?? user.email;

  return (
    <OrganizationProvider organization={organization}>
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <div className={`shell ${navOpen ? 'nav-open' : ''}`}>
        <aside className="sidebar">
          <div className="brand"><span className="brand-mark" aria-hidden="true">E</span>EDUZEN</div>
          <nav aria-label={t('nav.main')}>
            <ul>
              {NAV.filter((item) => !item.permission || can(user.role, item.permission)).map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} onClick={() => setNavOpen(false)} className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`}>
                    <span className="nav-icon" aria-hidden="true">{item.icon}</span>
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </aside>
        <div className="main-column">
          <header className="topbar">
            <button type="button" className="btn btn-ghost nav-toggle" aria-expanded={navOpen} onClick={() => setNavOpen(!navOpen)}>☰ {t('nav.menu')}</button>
            <div className="org-name">{organization.name}</div>
            <div className="topbar-actions">
              <LanguageSwitch />
              <div className="user-menu">
                <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={menuOpen} aria-label={`${t('user.menu')}${t('common.colon')}${displayName}`} onClick={() => setMenuOpen(!menuOpen)}>
                  <span className="avatar" aria-hidden="true">{displayName.slice(0, 1).toUpperCase()}</span>
                  <span className="user-name">{displayName}</span>
                </button>
                {menuOpen && (
                  <div className="user-dropdown" role="menu">
                    <div className="user-dropdown-info">
                      <strong>{displayName}</strong>
                      <span>{user.email}</span>
                      <span>{t(`role.${user.role}`)}</span>
                    </div>
                    <button type="button" role="menuitem" className="menu-item" onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login') })}>
                      {t('user.logout')}
                    </button>
                  </div>
                )}
              </div>
            </div>
          </header>
          <main id="main" className="content" tabIndex={-1}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </main>
        </div>
      </div>
    </OrganizationProvider>
  );
}
