import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { identityStoreOf } from '../auth';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './user.service';
import { createUserBody, createdStaffUser, listUsersQuery, staffUser, updateUserBody, userList } from './user.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/users', {
    schema: { tags: ['users'], summary: 'List staff accounts (admin only)', querystring: listUsersQuery, response: { 200: userList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listUsers(trx, actorOf(auth), request.query)));

  app.get('/api/users/:id', {
    schema: { tags: ['users'], summary: 'Get a staff account (admin only)', params: idParams, response: { 200: staffUser, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getUser(trx, actorOf(auth), request.params.id)));

  app.post('/api/users', {
    schema: {
      tags: ['users'],
      summary: 'Create a staff account in your organisation (admin only)',
      body: createUserBody,
      response: { 201: createdStaffUser, ...errors },
    },
  }, async (request, reply) => {
    // Read on the app's own handle (cached there), not inside the tenant transaction.
    const { passwordHashKind } = await identityStoreOf(app.database.db);
    const created = await inTenant(request, (trx, auth) => service.createUser(trx, actorOf(auth), request.body, passwordHashKind));
    return reply.status(201).header('cache-control', 'no-store').send(created);
  });

  app.patch('/api/users/:id', {
    schema: { tags: ['users'], summary: 'Update a staff account: name, role, active state (admin only)', params: idParams, body: updateUserBody, response: { 200: staffUser, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.updateUser(trx, actorOf(auth), request.params.id, request.body)));

  app.delete('/api/users/:id', {
    schema: { tags: ['users'], summary: 'Deactivate a staff account (accounts are never deleted; admin only)', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deactivateUser(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });
};
