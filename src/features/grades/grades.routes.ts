import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './grade.service';
import { gradeParams, saveGradesBody, sessionGrades } from './grade.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const gradeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/sessions/:id/grades', {
    schema: {
      tags: ['grades'],
      summary: 'Grades of the session per learner, with weighted averages on 20',
      params: idParams,
      response: { 200: sessionGrades, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.listSessionGrades(trx, actorOf(auth), request.params.id)));

  app.put('/api/sessions/:id/grades', {
    schema: {
      tags: ['grades'],
      summary: 'Create (without id) and update (with id) grades in bulk; one invalid grade and nothing is saved',
      params: idParams,
      body: saveGradesBody,
      response: { 200: sessionGrades, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.saveGrades(trx, actorOf(auth), request.params.id, request.body, request.language)));

  app.delete('/api/sessions/:id/grades/:gradeId', {
    schema: { tags: ['grades'], summary: 'Delete a grade', params: gradeParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteGrade(trx, actorOf(auth), request.params.id, request.params.gradeId));
    return reply.status(204).send(null);
  });
};
