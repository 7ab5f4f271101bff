/**
 * Composition of the HTTP application: plugins, error mapping, feature routes and the built
 * dashboard. Everything a request needs hangs off the Fastify instance (`app.database`,
 * `app.config`); features never import each other.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type ZodTypeProvider,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db/connect';
import { registerErrorHandler } from './error-handler';
import { healthRoutes } from './health';

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
};

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.config.logLevel },
    bodyLimit: 5 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('database', options.database);
  app.decorate('config', options.config);
  registerErrorHandler(app);
  await app.register(healthRoutes);
  return app;
}
