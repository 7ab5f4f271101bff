import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse } from '../../shared/schemas';
import * as service from './attendance.service';
import { attendanceGrid, markSlotBody, saveAttendanceBody, sessionIdParams } from './attendance.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const attendanceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/sessions/:id/attendance', {
    schema: {
      tags: ['attendance'],
      summary: 'The attendance grid: learners × slots, with each learner’s minutes and rates',
      params: sessionIdParams,
      response: { 200: attendanceGrid, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.getAttendanceGrid(trx, actorOf(auth), request.params.id)));

  app.put('/api/sessions/:id/attendance', {
    schema: {
      tags: ['attendance'],
      summary: 'Mark any number of (learner, slot) at once; one invalid entry and nothing is saved',
      params: sessionIdParams,
      body: saveAttendanceBody,
      response: { 200: attendanceGrid, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.saveAttendance(trx, actorOf(auth), request.params.id, request.body, request.language)));

  app.post('/api/sessions/:id/attendance/bulk', {
    schema: {
      tags: ['attendance'],
      summary: 'Mark every enrolled learner on one slot (present by default; marked learners are kept unless overwrite)',
      params: sessionIdParams,
      body: markSlotBody,
      response: { 200: attendanceGrid, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.markSlot(trx, actorOf(auth), request.params.id, request.body, request.language)));
};
