import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse } from '../../shared/schemas';
import { attendanceDueList, attendanceDueQuery } from './attendance-due.schemas';
import * as service from './attendance-due.service';

export const attendanceDueRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/attendance/due', {
    schema: {
      tags: ['attendance'],
      summary: 'Ended slots of the last N days (14 by default) where enrolled learners still have no mark',
      querystring: attendanceDueQuery,
      response: { 200: attendanceDueList, 400: errorResponse, 401: errorResponse },
    },
  }, (request) => inTenant(request, (trx, auth) =>
    service.listAttendanceDue(trx, actorOf(auth), request.query, { timeZone: auth.organization.timezone })));
};
