import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { findActiveStaffMember, findIdentityByEmail, recordSignIn } from './auth.repository';
import { hashPassword, verifyPassword } from './password';
import { SESSION_TTL_SECONDS, newCsrfToken, signSessionToken } from './token';

// Verified when the e-mail is unknown, so that both failures take the same time.
const decoyHash = hashPassword('decoy password that matches nothing');

export async function logIn(db: Kysely<Database>, secret: string, email: string, password: string) {
  const identity = await findIdentityByEmail(db, email);
  const matches = identity?.encrypted_password
    ? await verifyPassword(identity.encrypted_password, password)
    : (await verifyPassword(await decoyHash, password), false);
  if (!identity || !matches || !identity.is_active) {
    throw new AppError('INVALID_CREDENTIALS', 'wrong e-mail or password');
  }
  const member = await findActiveStaffMember(db, identity.id);
  if (!member) throw new AppError('INVALID_CREDENTIALS', 'wrong e-mail or password');
  await recordSignIn(db, identity.id);
  const csrf = newCsrfToken();
  const token = await signSessionToken(secret, {
    sub: member.id,
    email: member.email,
    role: 'authenticated',
    organization_id: member.organization.id,
    staff_role: member.role,
    csrf,
  });
  return { token, csrf, expiresIn: SESSION_TTL_SECONDS, member };
}
