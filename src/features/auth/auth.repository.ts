import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { formatTimeOfDay } from '../../shared/slots';

/** Looks up a login identity by e-mail. Runs before any tenant exists, outside RLS. */
export async function findIdentityByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('auth.users as identity')
    .innerJoin('users', 'users.id', 'identity.id')
    .select([
      'identity.id',
      'identity.encrypted_password',
      'users.email',
      'users.full_name',
      'users.role',
      'users.organization_id',
      'users.is_active',
    ])
    .where('identity.email', '=', email)
    .executeTakeFirst();
}

export async function recordSignIn(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('auth.users').set({ last_sign_in_at: new Date() }).where('id', '=', userId).execute();
}

/**
 * The staff member behind a verified token, with their organisation; outside RLS. With the
 * token's session id, nobody is found once that session has been logged out.
 */
export async function findActiveStaffMember(db: Kysely<Database>, userId: string, sessionId?: string) {
  const member = await db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.email',
      'users.full_name',
      'users.role',
      'users.organization_id',
      'organizations.code as organization_code',
      'organizations.name as organization_name',
      'organizations.language as organization_language',
      'organizations.currency as organization_currency',
      'organizations.timezone as organization_timezone',
      'organizations.country as organization_country',
      'organizations.morning_start', 'organizations.morning_end', 'organizations.afternoon_start',
      'organizations.afternoon_end', 'organizations.evening_start', 'organizations.evening_end',
    ])
    .where('users.id', '=', userId)
    .where('users.is_active', '=', true)
    .$if(sessionId !== undefined, (query) =>
      query.where(({ not, exists, selectFrom }) => not(exists(selectFrom('revoked_sessions').select('jti').where('jti', '=', sessionId!)))))
    .executeTakeFirst();
  if (!member) return undefined;
  return {
    id: member.id,
    email: member.email,
    full_name: member.full_name,
    role: member.role,
    organization: {
      id: member.organization_id,
      code: member.organization_code,
      name: member.organization_name,
      language: member.organization_language,
      currency: member.organization_currency,
      timezone: member.organization_timezone,
      country: member.organization_country,
      day_hours: {
        morning_start: formatTimeOfDay(member.morning_start), morning_end: formatTimeOfDay(member.morning_end),
        afternoon_start: formatTimeOfDay(member.afternoon_start), afternoon_end: formatTimeOfDay(member.afternoon_end),
        evening_start: formatTimeOfDay(member.evening_start), evening_end: formatTimeOfDay(member.evening_end),
      },
    },
  };
}

export type StaffMember = NonNullable<Awaited<ReturnType<typeof findActiveStaffMember>>>;

/** Ends a session before its token expires; forgets the sessions whose tokens have expired. */
export async function revokeSession(db: Kysely<Database>, session: { jti: string; organizationId: string; userId: string; expiresAt: Date }) {
  await db.deleteFrom('revoked_sessions').where('expires_at', '<', new Date()).execute();
  await db.insertInto('revoked_sessions')
    .values({ jti: session.jti, organization_id: session.organizationId, user_id: session.userId, expires_at: session.expiresAt })
    .onConflict((conflict) => conflict.column('jti').doNothing())
    .execute();
}
