import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './formation.service';
import { createFormationBody, formation, formationList, listFormationsQuery, updateFormationBody } from './formation.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const formationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/formations', {
    schema: { tags: ['formations'], summary: 'List formations', querystring: listFormationsQuery, response: { 200: formationList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listFormations(trx, actorOf(auth), request.query)));

  app.get('/api/formations/:id', {
    schema: { tags: ['formations'], summary: 'Get a formation', params: idParams, response: { 200: formation, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getFormation(trx, actorOf(auth), request.params.id)));

  app.post('/api/formations', {
    schema: { tags: ['formations'], summary: 'Create a formation', body: createFormationBody, response: { 201: formation, ...errors } },
  }, async (request, reply) => {
    const created = await inTenant(request, (trx, auth) => service.createFormation(trx, actorOf(auth), request.body, request.language));
    return reply.status(201).send(created);
  });

  app.patch('/api/formations/:id', {
    schema: { tags: ['formations'], summary: 'Update a formation', params: idParams, body: updateFormationBody, response: { 200: formation, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.updateFormation(trx, actorOf(auth), request.params.id, request.body, request.language)));

  app.delete('/api/formations/:id', {
    schema: { tags: ['formations'], summary: 'Delete a formation (refused while sessions depend on it)', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteFormation(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });
};
