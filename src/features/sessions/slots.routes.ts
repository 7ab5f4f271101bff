import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as planningService from './planning.service';
import * as service from './slot.service';
import { createSlotBody, generateSlotsBody, generateSlotsResult, planning, planningQuery, slot, slotList, slotParams, updateSlotBody } from './slot.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const slotRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/sessions/:id/slots', {
    schema: { tags: ['slots'], summary: 'List a session’s slots (its schedule), in chronological order', params: idParams, response: { 200: slotList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listSlots(trx, actorOf(auth), request.params.id)));

  app.post('/api/sessions/:id/slots', {
    schema: { tags: ['slots'], summary: 'Add a slot to a session', params: idParams, body: createSlotBody, response: { 201: slot, ...errors } },
  }, async (request, reply) => {
    const created = await inTenant(request, (trx, auth) => service.createSlot(trx, actorOf(auth), request.params.id, request.body, request.language));
    return reply.status(201).send(created);
  });

  app.post('/api/sessions/:id/slots/generate', {
    schema: {
      tags: ['slots'],
      summary: 'Generate slots from a weekly pattern, skipping Sundays and public holidays (`preview: true` writes nothing)',
      params: idParams,
      body: generateSlotsBody,
      response: { 200: generateSlotsResult, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.generateSlots(trx, actorOf(auth), request.params.id, request.body, request.language)));

  app.patch('/api/sessions/:id/slots/:slotId', {
    schema: { tags: ['slots'], summary: 'Edit, move or cancel a slot', params: slotParams, body: updateSlotBody, response: { 200: slot, ...errors } },
  }, (request) => inTenant(request, (trx, auth) =>
    service.updateSlot(trx, actorOf(auth), request.params.id, request.params.slotId, request.body, request.language)));

  app.delete('/api/sessions/:id/slots/:slotId', {
    schema: { tags: ['slots'], summary: 'Delete a slot (refused while attendance is recorded on it)', params: slotParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteSlot(trx, actorOf(auth), request.params.id, request.params.slotId, request.language));
    return reply.status(204).send(null);
  });

  app.get('/api/slots', {
    schema: {
      tags: ['slots'],
      summary: 'The organisation’s slots between two dates, across sessions, with conflicts (trainer, learner or place in two slots at once)',
      querystring: planningQuery,
      response: { 200: planning, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => planningService.getPlanning(trx, actorOf(auth), request.query)));
};
