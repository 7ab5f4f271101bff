/**
 * Session tokens: HS256 JWTs in Supabase's claim shape (`sub`, `role: "authenticated"`,
 * `aud: "authenticated"`), plus EDUZEN's organisation, staff role and CSRF secret. Tokens of a
 * Supabase project (signed with SUPABASE_JWT_SECRET) are accepted too; their user must exist in
 * public.users, like ours.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
const ISSUER = 'eduzen';

export type SessionClaims = {
  sub: string;
  email: string;
  role: 'authenticated';
  organization_id: string;
  staff_role: string;
  /** Random per login; cookie-authenticated mutations must echo it in X-CSRF-Token. */
  csrf: string;
};

/** `session`: the id and expiry of one of EDUZEN's tokens, which a logout can revoke. */
export type VerifiedToken = {
  sub: string;
  csrf: string | undefined;
  issuer: 'eduzen' | 'supabase';
  session: { jti: string; expiresAt: Date } | undefined;
};

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function signSessionToken(secret: string, claims: SessionClaims): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience('authenticated')
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(new TextEncoder().encode(secret));
}

/** Returns the token's subject, or undefined for any invalid, expired or foreign token. */
export async function verifyToken(
  token: string,
  secrets: { eduzen: string; supabase: string | undefined },
): Promise<VerifiedToken | undefined> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secrets.eduzen), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: 'authenticated',
    });
    if (typeof payload.sub !== 'string') return undefined;
    const session = typeof payload.jti === 'string' && typeof payload.exp === 'number'
      ? { jti: payload.jti, expiresAt: new Date(payload.exp * 1000) }
      : undefined;
    return { sub: payload.sub, csrf: typeof payload.csrf === 'string' ? payload.csrf : undefined, issuer: 'eduzen', session };
  } catch {
    // not ours: maybe a Supabase access token
  }
  if (!secrets.supabase) return undefined;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secrets.supabase), {
      algorithms: ['HS256'],
      audience: 'authenticated',
    });
    if (typeof payload.sub !== 'string' || payload.role !== 'authenticated') return undefined;
    return { sub: payload.sub, csrf: undefined, issuer: 'supabase', session: undefined };
  } catch {
    return undefined;
  }
}
