import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse } from '../../shared/schemas';
import * as service from './organization.service';
import { organization, updateOrganizationBody } from './organization.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export const organizationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/organization', {
    schema: { tags: ['organization'], summary: 'The caller’s organisation, with its usual hours', response: { 200: organization, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getOrganization(trx, actorOf(auth))));

  app.patch('/api/organization', {
    schema: {
      tags: ['organization'],
      summary: 'Set the organisation’s usual hours, the defaults of slot generation (administrators)',
      body: updateOrganizationBody,
      response: { 200: organization, ...errors },
    },
  }, (request) => inTenant(request, (trx, auth) => service.updateOrganization(trx, actorOf(auth), request.body, request.language)));
};
