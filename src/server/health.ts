import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { schemaVersion } from '../migrate/runner';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and schema version',
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['embedded', 'postgres']),
            schemaVersion: z.string().nullable(),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      database: app.database.engine,
      schemaVersion: await schemaVersion(app.database.db),
    }),
  );
};
