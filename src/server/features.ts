/**
 * The API's feature routes, registered in this order by the app. Each feature exports one
 * Fastify plugin from its `*.routes.ts`; add a line here to mount a new feature.
 */
import type { FastifyPluginAsync } from 'fastify';
import { attendanceDueRoutes } from '../features/attendance/attendance-due.routes';
import { attendanceRoutes } from '../features/attendance/attendance.routes';
import { enrollmentRoutes } from '../features/enrollments/enrollments.routes';
import { exportRoutes } from '../features/exports/exports.routes';
import { formationRoutes } from '../features/formations/formations.routes';
import { organizationRoutes } from '../features/organizations/organizations.routes';
import { gradeRoutes } from '../features/grades/grades.routes';
import { programRoutes } from '../features/programs/programs.routes';
import { sessionRoutes } from '../features/sessions/sessions.routes';
import { slotRoutes } from '../features/sessions/slots.routes';
import { studentRoutes } from '../features/students/students.routes';
import { userRoutes } from '../features/users/users.routes';

export const featureRoutes: FastifyPluginAsync[] = [
  programRoutes,
  formationRoutes,
  sessionRoutes,
  slotRoutes,
  studentRoutes,
  enrollmentRoutes,
  attendanceRoutes,
  attendanceDueRoutes,
  gradeRoutes,
  exportRoutes,
  userRoutes,
  organizationRoutes,
];
