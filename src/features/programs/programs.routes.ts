import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './program.service';
import { createProgramBody, linkFormationsBody, listProgramsQuery, program, programList, updateProgramBody } from './program.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const programRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/programs', {
    schema: { tags: ['programs'], summary: 'List programmes', querystring: listProgramsQuery, response: { 200: programList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listPrograms(trx, actorOf(auth), request.query)));

  app.get('/api/programs/:id', {
    schema: { tags: ['programs'], summary: 'Get a programme', params: idParams, response: { 200: program, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getProgram(trx, actorOf(auth), request.params.id)));

  app.post('/api/programs', {
    schema: { tags: ['programs'], summary: 'Create a programme', body: createProgramBody, response: { 201: program, ...errors } },
  }, async (request, reply) => {
    const created = await inTenant(request, (trx, auth) => service.createProgram(trx, actorOf(auth), request.body));
    return reply.status(201).send(created);
  });

  app.patch('/api/programs/:id', {
    schema: { tags: ['programs'], summary: 'Update a programme', params: idParams, body: updateProgramBody, response: { 200: program, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.updateProgram(trx, actorOf(auth), request.params.id, request.body)));

  app.delete('/api/programs/:id', {
    schema: { tags: ['programs'], summary: 'Delete a programme (its formations are unlinked, not deleted)', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteProgram(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });

  app.post('/api/programs/:id/formations', {
    schema: {
      tags: ['programs'],
      summary: 'Link existing formations to this programme, in bulk',
      params: idParams,
      body: linkFormationsBody,
      response: { 200: z.object({ linked: z.number().int(), program }), ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.linkFormations(trx, actorOf(auth), request.params.id, request.body.formation_ids)));
};
