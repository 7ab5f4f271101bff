import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './enrollment.service';
import {
  createEnrollmentBody,
  enrollment,
  enrollmentList,
  listEnrollmentsQuery,
  roster,
  rosterQuery,
  updateEnrollmentBody,
  updatedEnrollment,
} from './enrollment.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const enrollmentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/enrollments', {
    schema: { tags: ['enrollments'], summary: 'List enrollments (filters: session_id, student_id, status, payment_status)', querystring: listEnrollmentsQuery, response: { 200: enrollmentList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listEnrollments(trx, actorOf(auth), request.query)));

  app.get('/api/enrollments/:id', {
    schema: { tags: ['enrollments'], summary: 'Get an enrollment', params: idParams, response: { 200: enrollment, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getEnrollment(trx, actorOf(auth), request.params.id)));

  app.post('/api/enrollments', {
    schema: {
      tags: ['enrollments'],
      summary: 'Enroll a student in a session (waitlisted when full)',
      description: '201 when created; 200 when a cancelled enrollment of the same student is reactivated. A full session puts the student on its waitlist (status waitlisted, waitlist_position).',
      body: createEnrollmentBody,
      response: { 200: enrollment, 201: enrollment, ...errors },
    },
  }, async (request, reply) => {
    const result = await inTenant(request, (trx, auth) => service.createEnrollment(trx, actorOf(auth), request.body));
    return reply.status(result.reactivated ? 200 : 201).send(result.enrollment);
  });

  app.patch('/api/enrollments/:id', {
    schema: {
      tags: ['enrollments'],
      summary: 'Update status, payment or notes (cancelling promotes the first waitlisted students)',
      description: 'An accountant may change the payment fields only (payment_status, amount_due, amount_paid): any other field is a 403.',
      params: idParams,
      body: updateEnrollmentBody,
      response: { 200: updatedEnrollment, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.updateEnrollment(trx, actorOf(auth), request.params.id, request.body)));

  app.delete('/api/enrollments/:id', {
    schema: { tags: ['enrollments'], summary: 'Delete an enrollment without attendance or grades (otherwise cancel it)', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteEnrollment(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });

  app.get('/api/sessions/:id/enrollments', {
    schema: { tags: ['enrollments'], summary: 'Roster of a session: seat holders, then the waitlist in order', params: idParams, querystring: rosterQuery, response: { 200: roster, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getRoster(trx, actorOf(auth), request.params.id, request.query)));
};
