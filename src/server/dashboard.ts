/**
 * Serves the built dashboard (dist/web) from the API's process: hashed assets with a year-long
 * immutable cache, index.html never cached, and an SPA fallback so that a reload of
 * /dashboard/sessions/… gets index.html. /api/* keeps the API's JSON 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors';
import { DASHBOARD_DIR } from './dashboard-build';

export function dashboardExtension(options: { root?: string } = {}) {
  const root = options.root ?? DASHBOARD_DIR;
  return async function registerDashboard(app: FastifyInstance): Promise<void> {
    if (!existsSync(path.join(root, 'index.html'))) {
      app.log.warn(`dashboard: no build in ${root}; run npm run build:web`);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders(response, file) {
        if (file.includes(`${path.sep}assets${path.sep}`)) {
          response.header('Cache-Control', 'public, max-age=31536000, immutable');
        } else {
          response.header('Cache-Control', 'no-cache');
        }
      },
    });
    // Static routes (one per built file) win over this wildcard in Fastify's router.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url === '/api' || url.startsWith('/api/')) throw new AppError('NOT_FOUND', `no route for GET ${url}`);
      if (url.startsWith('/assets/')) throw new AppError('NOT_FOUND', `no file ${url}`);
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root);
    });
  };
}
