/**
 * Maps every failure to DESIGN §6's wire format, { error: { code, message, details } }:
 * validation issues become field-level 400s, AppErrors keep their code and status, Postgres
 * constraint violations a client can provoke become 409/400, and only the unexpected is a 500
 * (logged, with no internals in the response).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERROR_STATUS, type ErrorCode } from '../shared/errors';
import { translateValidationIssue, preferredLanguage } from '../shared/i18n';

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    send(reply, new AppError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = toAppError(error, request);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    send(reply, mapped);
  });
}

function send(reply: FastifyReply, error: AppError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  void reply.status(error.status).type('application/json').send(body);
}

const PG_CONFLICTS: Record<string, ErrorCode> = {
  '23505': 'DUPLICATE',
  '23503': 'CONFLICT',
  '23P01': 'CONFLICT',
};

export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const language = preferredLanguage(request.headers['accept-language']);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const fields = error.validation.map((issue) => ({
      field: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: translateValidationIssue(issue, language),
    }));
    const message = language === 'fr' ? 'Certains champs sont invalides.' : 'Some fields are invalid.';
    return new AppError('VALIDATION_FAILED', message, { fields });
  }
  const fastifyError = error as FastifyError & { code?: string; constraint?: string };
  if (typeof fastifyError.code === 'string' && fastifyError.code in PG_CONFLICTS) {
    return new AppError(PG_CONFLICTS[fastifyError.code]!, fastifyError.message, {
      constraint: fastifyError.constraint,
    });
  }
  // A check violation (23514) or any data exception (class 22: out-of-range numbers, bad dates,
  // NUL characters, over-long text…) comes from a value the client sent.
  if (fastifyError.code === '23514' || (typeof fastifyError.code === 'string' && /^22[0-9A-Z]{3}$/.test(fastifyError.code))) {
    return new AppError('VALIDATION_FAILED', fastifyError.message, { constraint: fastifyError.constraint });
  }
  if (fastifyError.code === '42501') return new AppError('FORBIDDEN', 'not allowed');
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message);
  if (fastifyError.statusCode === 429) return new AppError('RATE_LIMITED', fastifyError.message);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', fastifyError.message);
  }
  return new AppError('INTERNAL', 'internal error');
}

export { ERROR_STATUS };
