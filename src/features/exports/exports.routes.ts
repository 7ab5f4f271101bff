import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './export.service';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const csvFile = z.string().describe('CSV, `;`-separated, UTF-8 with BOM');

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/sessions/:id/export/attendance.csv', {
    schema: {
      tags: ['exports'],
      summary: 'Funders’ attendance export: one row per learner × slot, with the session’s details',
      params: idParams,
      produces: ['text/csv'],
      response: { 200: csvFile, ...errors },
    },
  }, async (request, reply) => {
    const file = await inTenant(request, (trx, auth) => service.exportAttendance(trx, actorOf(auth), request.params.id));
    return reply.header('content-disposition', attachment(file.filename)).type('text/csv; charset=utf-8').send(file.content);
  });

  app.get('/api/sessions/:id/export/enrollments.csv', {
    schema: {
      tags: ['exports'],
      summary: 'Funders’ enrollments export: one row per enrollment with planned, attended, excused and unexcused hours',
      params: idParams,
      produces: ['text/csv'],
      response: { 200: csvFile, ...errors },
    },
  }, async (request, reply) => {
    const file = await inTenant(request, (trx, auth) => service.exportEnrollments(trx, actorOf(auth), request.params.id));
    return reply.header('content-disposition', attachment(file.filename)).type('text/csv; charset=utf-8').send(file.content);
  });
};

/** The file name is built from safe characters only (see export.service), so it needs no encoding. */
function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}
