import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { findActiveStaffMember, findIdentityByEmail, recordSignIn } from './auth.repository';
import { identityStoreOf, upgradePasswordHash } from './identity-store';
import { type PasswordHashKind, hashPassword, verifyPassword } from './password';
import { SESSION_TTL_SECONDS, newCsrfToken, signSessionToken } from './token';

// Verified when the e-mail is unknown, so that both failures take the same time: a hash of the
// kind the store's real hashes are (bcrypt and argon2id do not cost the same).
const decoyHashes: Record<PasswordHashKind, Promise<string>> = {
  argon2id: hashPassword('decoy password that matches nothing', 'argon2id'),
  bcrypt: hashPassword('decoy password that matches nothing', 'bcrypt'),
};

export async function logIn(db: Kysely<Database>, secret: string, email: string, password: string) {
  const store = await identityStoreOf(db);
  const identity = await findIdentityByEmail(db, email);
  const storedHash = identity?.encrypted_password;
  const matches = storedHash
    ? await verifyPassword(storedHash, password)
    : (await verifyPassword(await decoyHashes[store.passwordHashKind], password), false);
  if (!identity || !storedHash || !matches || !identity.is_active) {
    throw new AppError('INVALID_CREDENTIALS', 'wrong e-mail or password');
  }
  const member = await findActiveStaffMember(db, identity.id);
  if (!member) throw new AppError('INVALID_CREDENTIALS', 'wrong e-mail or password');
  await upgradePasswordHash(db, store, { id: identity.id, verifiedHash: storedHash, password });
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
