import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTenant } from '../../server/request-context';
import { errorResponse, idParams } from '../../shared/schemas';
import * as service from './student.service';
import {
  createStudentBody,
  importReport,
  importStudentsBody,
  importStudentsQuery,
  listStudentsQuery,
  student,
  studentList,
  updateStudentBody,
} from './student.schemas';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

/** CSV imports arrive as the raw request body; 2 MiB is far more than 5,000 learners need. */
const CSV_BODY_LIMIT = 2 * 1024 * 1024;

export const studentRoutes: FastifyPluginAsyncZod = async (app) => {
  // Registered inside this plugin, so only the students' routes accept CSV bodies.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  app.get('/api/students', {
    schema: { tags: ['students'], summary: 'List students (search q: names, e-mail, number)', querystring: listStudentsQuery, response: { 200: studentList, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.listStudents(trx, actorOf(auth), request.query)));

  app.get('/api/students/:id', {
    schema: { tags: ['students'], summary: 'Get a student', params: idParams, response: { 200: student, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.getStudent(trx, actorOf(auth), request.params.id)));

  app.post('/api/students', {
    schema: { tags: ['students'], summary: 'Create a student (a number STG-nnnnnn is generated when omitted)', body: createStudentBody, response: { 201: student, ...errors } },
  }, async (request, reply) => {
    const created = await inTenant(request, (trx, auth) => service.createStudent(trx, actorOf(auth), request.body));
    return reply.status(201).send(created);
  });

  app.post('/api/students/import', {
    schema: {
      tags: ['students'],
      summary: 'Import students from CSV (text/csv body), all or none; dry_run=true only checks',
      description: 'Separators `;` or `,`, optional UTF-8 BOM, French or English headers, dates YYYY-MM-DD or DD/MM/YYYY, at most 5000 rows. '
        + 'When a row is rejected nothing is created: the 400 carries the report in error.details.',
      querystring: importStudentsQuery,
      body: importStudentsBody,
      response: { 200: importReport, 201: importReport, ...errors, 413: errorResponse, 415: errorResponse },
    },
  }, async (request, reply) => {
    const options = { dryRun: request.query.dry_run, language: request.language };
    const report = await inTenant(request, (trx, auth) => service.importStudents(trx, actorOf(auth), request.body, options));
    return reply.status(report.imported ? 201 : 200).send(report);
  });

  app.patch('/api/students/:id', {
    schema: { tags: ['students'], summary: 'Update a student', params: idParams, body: updateStudentBody, response: { 200: student, ...errors } },
  }, (request) => inTenant(request, (trx, auth) => service.updateStudent(trx, actorOf(auth), request.params.id, request.body)));

  app.delete('/api/students/:id', {
    schema: { tags: ['students'], summary: 'Delete a student without enrollments, attendance or grades', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await inTenant(request, (trx, auth) => service.deleteStudent(trx, actorOf(auth), request.params.id));
    return reply.status(204).send(null);
  });
};
