/** Password hashing with argon2id (OWASP's first choice), parameters from @node-rs/argon2's defaults. */
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id from @node-rs/argon2 (a const enum, which isolated modules cannot import).
const ARGON2ID = 2;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // Not an argon2 hash (e.g. a bcrypt hash written by another tool): it cannot match.
    return false;
  }
}
