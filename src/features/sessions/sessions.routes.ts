import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './session.service';
import { createSessionBody, listSessionsQuery, listTrainersQuery, session, sessionList, trainerList, updateSessionBody } from './session.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/sessions', {
    schema: { tags: ['sessions'], summary: 'List sessions (a teacher sees only their own)', querystring: listSessionsQuery, response: { 200: sessionList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listSessions(trx, actorOf(auth), request.query)));

  app.get('/api/sessions/trainers', {
    schema: {
      tags: ['sessions'],
      summary: 'List who can be a session’s trainer (active teachers and administrators), for every staff role',
      querystring: listTrainersQuery,
      response: { 200: trainerList, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.listTrainers(trx, actorOf(auth), request.query)));

  app.get('/api/sessions/:id', {
    schema: { tags: ['sessions'], summary: 'Get a session', params: idParams, response: { 200: session, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getSession(trx, actorOf(auth), request.params.id)));

  app.post('/api/sessions', {
    schema: { tags: ['sessions'], summary: 'Create a session', body: createSessionBody, response: { 201: session, ...errors } },
  }, async (request, reply) => {
    const created = await inTenant(request, (trx, auth) => service.createSession(trx, actorOf(auth), request.body, request.language));
    return reply.status(201).send(created);
  });

  app.patch('/api/sessions/:id', {
    schema: { tags: ['sessions'], summary: 'Update a session', params: idParams, body: updateSessionBody, response: { 200: session, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.updateSession(trx, actorOf(auth), request.params.id, request.body, request.language)));

  app.delete('/api/sessions/:id', {
    schema: { tags: ['sessions'], summary: 'Delete a session (refused while enrollments, attendance or grades refer to it)', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteSession(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });
};
