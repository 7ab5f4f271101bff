/**
 * Password hashing. Two kinds, one per identity store (see identity-store.ts):
 * - argon2id (OWASP's first choice, @node-rs/argon2's defaults) where auth.users is EDUZEN's own;
 * - bcrypt at cost 10, `$2a$`, exactly what Supabase Auth (GoTrue) writes, where auth.users is
 *   GoTrue's: the one kind every GoTrue release verifies, so one password opens both doors.
 * Verification accepts either kind, whoever wrote the hash ($2a$, $2b$ and $2y$ for bcrypt).
 * A hash that is neither, or malformed, never matches: it is not an error.
 */
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { AppError } from '../../shared/errors';

export type PasswordHashKind = 'argon2id' | 'bcrypt';

// Algorithm.Argon2id from @node-rs/argon2 (a const enum, which isolated modules cannot import).
const ARGON2ID = 2;

/** GoTrue's cost (bcrypt.DefaultCost): GoTrue rehashes any other cost at the next sign-in. */
export const BCRYPT_COST = 10;

/** bcrypt reads only the first 72 bytes of a password; GoTrue refuses longer ones. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

// $2a$ (what GoTrue writes), $2b$ (OpenBSD's current prefix) and $2y$ (PHP's) hash the same way
// for passwords under 256 bytes. A cost above 16 would make one login attempt take seconds of
// CPU: such a hash is treated as unverifiable rather than computed.
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|1[0-6])\$[./A-Za-z0-9]{53}$/;

export function passwordHashKindOf(passwordHash: string): PasswordHashKind | undefined {
  if (passwordHash.startsWith('$argon2id$')) return 'argon2id';
  if (BCRYPT_HASH.test(passwordHash)) return 'bcrypt';
  return undefined;
}

/** Whether a hash of this kind can hold the whole password (bcrypt would silently cut it). */
export function passwordFitsHashKind(password: string, kind: PasswordHashKind): boolean {
  return kind !== 'bcrypt' || Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_PASSWORD_BYTES;
}

export async function hashPassword(password: string, kind: PasswordHashKind = 'argon2id'): Promise<string> {
  if (kind === 'argon2id') return argon2Hash(password, { algorithm: ARGON2ID });
  if (!passwordFitsHashKind(password, kind)) {
    throw new AppError('VALIDATION_FAILED',
      `the password is longer than ${BCRYPT_MAX_PASSWORD_BYTES} bytes, the most Supabase Auth accepts (bcrypt)`);
  }
  const salt = await bcrypt.genSalt(BCRYPT_COST);
  return bcrypt.hash(password, salt.replace(/^\$2b\$/, '$2a$'));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    // Any argon2 variant verifies (@node-rs/argon2 reads the variant from the hash).
    if (passwordHash.startsWith('$argon2')) return await argon2Verify(passwordHash, password);
    if (BCRYPT_HASH.test(passwordHash)) return await bcrypt.compare(password, passwordHash);
    return false;
  } catch {
    // A hash that looks right but does not parse (a truncated argon2 string…): it cannot match.
    return false;
  }
}
