/**
 * Authentication, resolved once per request into a typed context.
 *
 * A request is authenticated by `Authorization: Bearer <token>` (scripts, integrations,
 * Supabase access tokens) or by the httpOnly session cookie (the dashboard). The token only
 * names the user: their organisation, role and active state are read from the database on
 * every request, so a deactivated account or a changed role takes effect at once.
 * Mutations authenticated by cookie must carry the session's CSRF token in X-CSRF-Token.
 */
import type { DayHours } from '../shared/slots';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantClaims, TenantTransaction } from '../db/tenant';
import { withTenant } from '../db/tenant';
import { findActiveStaffMember } from '../features/auth/auth.repository';
import { verifyToken } from '../features/auth/token';
import type { Actor, StaffRole } from '../shared/actor';
import { AppError } from '../shared/errors';
import { type Language, preferredLanguage } from '../shared/i18n';

export const SESSION_COOKIE = 'eduzen_session';
export const CSRF_HEADER = 'x-csrf-token';

export type { StaffRole };

export type AuthContext = {
  userId: string;
  email: string;
  fullName: string | null;
  role: StaffRole;
  organization: {
    id: string;
    code: string;
    name: string;
    language: string;
    currency: string;
    timezone: string;
    country: string;
    day_hours: DayHours;
  };
  claims: TenantClaims;
  via: 'cookie' | 'bearer';
  csrf: string | undefined;
  /** The id and expiry of an EDUZEN token (a Supabase token has none): what a logout revokes. */
  session: { jti: string; expiresAt: Date } | undefined;
};

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    language: Language;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSRF_EXEMPT = new Set(['/api/auth/login']);

export function registerRequestContext(app: FastifyInstance, secrets: { eduzen: string; supabase: string | undefined }): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('language', 'fr');
  app.addHook('onRequest', async (request) => {
    request.language = preferredLanguage(request.headers['accept-language']);
    const found = readToken(request);
    if (!found) return;
    const verified = await verifyToken(found.token, secrets);
    if (!verified) return;
    const member = await findActiveStaffMember(app.database.db, verified.sub, verified.session?.jti);
    if (!member) return;
    request.auth = {
      userId: member.id,
      email: member.email,
      fullName: member.full_name,
      role: member.role as StaffRole,
      organization: member.organization,
      claims: {
        sub: member.id,
        role: 'authenticated',
        email: member.email,
        organization_id: member.organization.id,
        staff_role: member.role,
      },
      via: found.via,
      csrf: verified.csrf,
      session: verified.session,
    };
  });
  app.addHook('preHandler', async (request) => {
    const auth = request.auth;
    if (!auth || auth.via !== 'cookie' || !MUTATING.has(request.method)) return;
    if (CSRF_EXEMPT.has(request.routeOptions.url ?? '')) return;
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !auth.csrf || header !== auth.csrf) {
      throw new AppError('CSRF_REJECTED', 'missing or wrong X-CSRF-Token header for a cookie-authenticated request');
    }
  });
}

function readToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? { token: match[1]!, via: 'bearer' } : undefined;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/** The authenticated caller, or a 401. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return request.auth;
}

/** The caller if their role is one of `roles`, or a 403. */
export function requireRole(request: FastifyRequest, ...roles: StaffRole[]): AuthContext {
  const auth = requireAuth(request);
  if (!roles.includes(auth.role)) {
    throw new AppError('FORBIDDEN', `this action needs one of the roles: ${roles.join(', ')}`);
  }
  return auth;
}

/** Runs `work` in a tenant transaction as the authenticated caller (RLS applies). */
export async function inTenant<T>(
  request: FastifyRequest,
  work: (trx: TenantTransaction, auth: AuthContext) => Promise<T>,
): Promise<T> {
  const auth = requireAuth(request);
  return withTenant(request.server.database.db, auth.claims, (trx) => work(trx, auth));
}

/** The caller as services see them. */
export function actorOf(auth: AuthContext): Actor {
  return { userId: auth.userId, organizationId: auth.organization.id, role: auth.role };
}
