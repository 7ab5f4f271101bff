/**
 * Routes. The login page and the layout are in the entry chunk; every page behind the sidebar
 * is a lazy chunk of its own, loaded when first visited.
 */
import { Navigate, createBrowserRouter } from 'react-router-dom';
import { NotFound } from '../components/NotFound';
import { LoginPage } from '../features/auth/LoginPage';
import { DashboardLayout } from './DashboardLayout';
import { RequirePermission } from './RequirePermission';
import { RouteError } from './RouteError';

function page<T extends Record<string, unknown>>(load: () => Promise<T>, name: keyof T) {
  return async () => ({ Component: (await load())[name] as React.ComponentType });
}

export const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/dashboard" replace /> },
  { path: '/login', element: <LoginPage /> },
  {
    path: '/dashboard',
    element: <DashboardLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: page(() => import('../features/overview/OverviewPage'), 'OverviewPage') },
      { path: 'programs', lazy: page(() => import('../features/programs/ProgramsPage'), 'ProgramsPage') },
      { path: 'programs/:id', lazy: page(() => import('../features/programs/ProgramPage'), 'ProgramPage') },
      { path: 'formations', lazy: page(() => import('../features/formations/FormationsPage'), 'FormationsPage') },
      { path: 'formations/new', lazy: page(() => import('../features/formations/FormationEditPage'), 'FormationEditPage') },
      { path: 'formations/:id', lazy: page(() => import('../features/formations/FormationPage'), 'FormationPage') },
      { path: 'formations/:id/edit', lazy: page(() => import('../features/formations/FormationEditPage'), 'FormationEditPage') },
      { path: 'sessions', lazy: page(() => import('../features/sessions/SessionsPage'), 'SessionsPage') },
      {
        path: 'sessions/:id',
        lazy: page(() => import('../features/sessions/SessionPage'), 'SessionPage'),
        children: [
          { index: true, lazy: page(() => import('../features/enrollments/RosterTab'), 'RosterTab') },
          { path: 'planning', lazy: page(() => import('../features/slots/PlanningTab'), 'PlanningTab') },
          { path: 'attendance', lazy: page(() => import('../features/attendance/AttendanceTab'), 'AttendanceTab') },
          {
            path: 'grades',
            element: <RequirePermission permission="readGrades" />,
            children: [{ index: true, lazy: page(() => import('../features/grades/GradesTab'), 'GradesTab') }],
          },
        ],
      },
      { path: 'planning', lazy: page(() => import('../features/planning/PlanningPage'), 'PlanningPage') },
      { path: 'students', lazy: page(() => import('../features/students/StudentsPage'), 'StudentsPage') },
      {
        path: 'users',
        element: <RequirePermission permission="manageUsers" />,
        children: [{ index: true, lazy: page(() => import('../features/users/UsersPage'), 'UsersPage') }],
      },
      {
        path: 'settings',
        element: <RequirePermission permission="manageOrganization" />,
        children: [{ index: true, lazy: page(() => import('../features/settings/SettingsPage'), 'SettingsPage') }],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
  { path: '*', element: <NotFound /> },
]);
