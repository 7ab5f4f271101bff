/**
 * The real app, in-process (app.inject), on a migrated database of each engine.
 *
 *   describeApi('programs', (ctx) => {
 *     it('…', async () => {
 *       const tenant = await createTenant(ctx.db);
 *       const admin = await ctx.login(tenant.admin);
 *       const response = await admin.get('/api/programs');
 *     });
 *   });
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle, Engine } from '../../src/db/connect';
import { buildApp } from '../../src/server/app';
import { ENGINES, openMigratedDatabase } from './engines';
import { TEST_PASSWORD } from './factories';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export type ApiClient = {
  token: string;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  delete(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
};

export type ApiContext = {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  readonly handle: DatabaseHandle;
  readonly db: DatabaseHandle['db'];
  /** Logs in through POST /api/auth/login and returns a client sending the Bearer token. */
  login(user: { email: string }, password?: string): Promise<ApiClient>;
};

export async function createTestApp(handle: DatabaseHandle, env: NodeJS.ProcessEnv = {}): Promise<FastifyInstance> {
  const config = loadConfig({ EDUZEN_JWT_SECRET: TEST_JWT_SECRET, EDUZEN_LOGIN_MAX_ATTEMPTS: '1000', ...env });
  const app = await buildApp({ database: handle, config, logger: false });
  await app.ready();
  return app;
}

export function clientFor(app: FastifyInstance, token: string): ApiClient {
  const request = (options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) } });
  return {
    token,
    request,
    get: (url, headers) => request({ method: 'GET', url, headers }),
    post: (url, body, headers) => request({ method: 'POST', url, payload: body as InjectOptions['payload'], headers }),
    put: (url, body, headers) => request({ method: 'PUT', url, payload: body as InjectOptions['payload'], headers }),
    patch: (url, body, headers) => request({ method: 'PATCH', url, payload: body as InjectOptions['payload'], headers }),
    delete: (url, headers) => request({ method: 'DELETE', url, headers }),
  };
}

export async function loginAs(app: FastifyInstance, user: { email: string }, password = TEST_PASSWORD): Promise<ApiClient> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password } });
  if (response.statusCode !== 200) throw new Error(`login of ${user.email} failed: ${response.statusCode} ${response.body}`);
  return clientFor(app, response.json().access_token);
}

export function describeApi(title: string, body: (ctx: ApiContext) => void, options: { env?: NodeJS.ProcessEnv } = {}): void {
  for (const engine of ENGINES) {
    describe(`${title} [${engine}]`, () => {
      let handle: DatabaseHandle | undefined;
      let app: FastifyInstance | undefined;
      const ctx: ApiContext = {
        engine,
        get app() {
          if (!app) throw new Error('the app is not ready yet (use it inside tests or hooks)');
          return app;
        },
        get handle() {
          if (!handle) throw new Error('the database is not open yet');
          return handle;
        },
        get db() {
          return ctx.handle.db;
        },
        login: (user, password) => loginAs(ctx.app, user, password),
      };
      beforeAll(async () => {
        ({ handle } = await openMigratedDatabase(engine));
        app = await createTestApp(handle, options.env);
      });
      afterAll(async () => {
        await app?.close();
        await handle?.close();
      });
      body(ctx);
    });
  }
}
