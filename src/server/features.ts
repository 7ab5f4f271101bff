/**
 * The API's feature routes, registered in this order by the app. Each feature exports one
 * Fastify plugin from its `*.routes.ts`; add a line here to mount a new feature.
 */
import type { FastifyPluginAsync } from 'fastify';
import { programRoutes } from '../features/programs/programs.routes';
import { exportRoutes } from '../features/exports/exports.routes';
import { gradeRoutes } from '../features/grades/grades.routes';
import { studentRoutes } from '../features/students/students.routes';
import { enrollmentRoutes } from '../features/enrollments/enrollments.routes';
import { attendanceRoutes } from '../features/attendance/attendance.routes';
import { formationRoutes } from '../features/formations/formations.routes';
import { sessionRoutes } from '../features/sessions/sessions.routes';
import { userRoutes } from '../features/users/users.routes';

export const featureRoutes: FastifyPluginAsync[] = [
  programRoutes,
  exportRoutes,
  gradeRoutes,
  studentRoutes,
  enrollmentRoutes,
  attendanceRoutes,
  formationRoutes,
  sessionRoutes,
  userRoutes,
];
