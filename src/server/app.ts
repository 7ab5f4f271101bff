/**
 * Composition of the HTTP application: plugins, authentication, error mapping, OpenAPI, the
 * feature routes and the built dashboard. Everything a request needs hangs off the Fastify
 * instance (`app.database`, `app.config`); features never import each other.
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type ZodTypeProvider,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db/connect';
import { authRoutes } from '../features/auth/auth.routes';
import { AppError } from '../shared/errors';
import { registerErrorHandler } from './error-handler';
import { featureRoutes } from './features';
import { healthRoutes } from './health';
import { registerRequestContext } from './request-context';
import { resolveJwtSecret } from './secrets';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
    config: Config;
  }
}

export type BuildAppOptions = {
  database: DatabaseHandle;
  config: Config;
  logger?: boolean;
  /** Extra plugins registered after the API (the dashboard's static files). */
  extensions?: Array<(app: FastifyInstance) => Promise<void>>;
};

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.config.logLevel },
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('database', options.database);
  app.decorate('config', options.config);
  registerErrorHandler(app);

  const secret = resolveJwtSecret(options.config, options.database.engine, (message) => app.log.warn(message));
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'EDUZEN API',
        version: '1.0.0',
        description: 'Programmes, formations, sessions, students, enrollments, attendance and grades of one training organisation.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'eduzen_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  registerRequestContext(app, { eduzen: secret, supabase: options.config.supabaseJwtSecret });
  await app.register(healthRoutes);
  await app.register(authRoutes, {
    secret,
    loginRateLimit: { max: options.config.loginMaxAttempts, timeWindow: 60_000 },
  });
  for (const routes of featureRoutes) await app.register(routes);
  for (const extension of options.extensions ?? []) await extension(app);
  return app;
}
