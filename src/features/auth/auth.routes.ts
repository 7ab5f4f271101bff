import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuthContext, SESSION_COOKIE, requireAuth } from '../../server/request-context';
import { errorResponse } from '../../shared/schemas';
import { currentUser, loginBody, loginResponse } from './auth.schemas';
import { revokeSession } from './auth.repository';
import { logIn } from './auth.service';

export type AuthRoutesOptions = { secret: string; loginRateLimit: { max: number; timeWindow: number } };

function describeUser(auth: Pick<AuthContext, 'userId' | 'email' | 'fullName' | 'role' | 'organization'>, csrf: string | null) {
  return {
    user: { id: auth.userId, email: auth.email, full_name: auth.fullName, role: auth.role },
    organization: auth.organization,
    csrf_token: csrf,
  };
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  app.post(
    '/api/auth/login',
    {
      config: {
        rateLimit: {
          max: options.loginRateLimit.max,
          timeWindow: options.loginRateLimit.timeWindow,
          hook: 'preHandler',
          keyGenerator: (request) => {
            const email = (request.body as { email?: unknown } | undefined)?.email;
            return `${request.ip}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in with e-mail and password',
        description: 'Sets an httpOnly session cookie and returns the same token as access_token for Bearer use.',
        body: loginBody,
        response: { 200: loginResponse, 401: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const { token, csrf, expiresIn, member } = await logIn(app.database.db, options.secret, request.body.email, request.body.password);
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: expiresIn,
      });
      return {
        ...describeUser(
          { userId: member.id, email: member.email, fullName: member.full_name, role: member.role as AuthContext['role'], organization: member.organization },
          csrf,
        ),
        access_token: token,
        token_type: 'bearer' as const,
        expires_in: expiresIn,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the session: its token stops working (cookie or bearer), and the cookie is cleared',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const auth = request.auth;
      if (auth?.session) {
        await revokeSession(app.database.db, { ...auth.session, organizationId: auth.organization.id, userId: auth.userId });
      }
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: { tags: ['auth'], summary: 'The current user and organisation', response: { 200: currentUser, 401: errorResponse } },
    },
    async (request) => {
      const auth = requireAuth(request);
      return describeUser(auth, auth.via === 'cookie' ? auth.csrf ?? null : null);
    },
  );
};
