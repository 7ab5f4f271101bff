import { describe, expect, it } from 'vitest';
import { BCRYPT_MAX_PASSWORD_BYTES, hashPassword, passwordFitsHashKind, passwordHashKindOf, verifyPassword } from './password';

// Made by another implementation: libxcrypt's bcrypt (Openwall's crypt_blowfish, the C code
// behind glibc's crypt(3)), e.g. `perl -e 'print crypt($password, $salt)'`. The cost-6 ones
// are the test vectors every bcrypt port shares (jBCrypt, bcrypt.js, py-bcrypt).
const FOREIGN_BCRYPT_VECTORS: Array<[password: string, hash: string]> = [
  ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
  ['a', '$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe'],
  ['abc', '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i'],
  ['abcdefghijklmnopqrstuvwxyz', '$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC'],
  ['~!@#$%^&*()      ~!@#$%^&*()PNBFRD', '$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO'],
  ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  // Cost 10 with a fixed salt, as Supabase Auth stores them; a UTF-8 password.
  ['mot de passe Supabase 2024', '$2a$10$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy'],
  ['Mot de passe réservé € 2024', '$2a$10$UnicodeSaltForEduzenTeuWfB8JkYfS9BZk1eTPW2QzL6p0Q.HQa'],
];

describe('password hashes', () => {
  it('hashes with argon2id by default, and verifies its own hashes', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(passwordHashKindOf(hash)).toBe('argon2id');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('hashes with bcrypt as Supabase Auth does ($2a$, cost 10), and verifies its own hashes', async () => {
    const hash = await hashPassword('correct horse battery staple', 'bcrypt');
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(passwordHashKindOf(hash)).toBe('bcrypt');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
    expect(await hashPassword('correct horse battery staple', 'bcrypt')).not.toBe(hash);
  });

  it('verifies bcrypt hashes made by another implementation', async () => {
    for (const [password, hash] of FOREIGN_BCRYPT_VECTORS) {
      expect(await verifyPassword(hash, password), `${password} against ${hash}`).toBe(true);
      expect(await verifyPassword(hash, `${password}x`), `${password}x against ${hash}`).toBe(false);
    }
  });

  it('accepts the $2b$ and $2y$ prefixes of the same hash', async () => {
    const [password, hash] = FOREIGN_BCRYPT_VECTORS[6]!;
    for (const prefix of ['$2b$', '$2y$']) {
      const other = hash.replace(/^\$2a\$/, prefix);
      expect(passwordHashKindOf(other)).toBe('bcrypt');
      expect(await verifyPassword(other, password)).toBe(true);
      expect(await verifyPassword(other, 'not the password')).toBe(false);
    }
  });

  it('treats a garbage or malformed hash as a mismatch, never as an error', async () => {
    const [password, hash] = FOREIGN_BCRYPT_VECTORS[6]!;
    const malformed = [
      '',
      'plain text password',
      password,
      '$2x$10$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy', // unknown revision
      '$2a$10$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Y', // one character short
      '$2a$10$LegacyGoTrueSaltEduzeu!H4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy', // not bcrypt's alphabet
      '$2a$03$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy', // cost below bcrypt's minimum
      '$2a$31$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy', // cost that would take hours
      '$argon2id$v=19$m=19456,t=2,p=1$truncated',
      '$argon2id$',
      '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E',
    ];
    for (const garbage of malformed) {
      await expect(verifyPassword(garbage, password), garbage).resolves.toBe(false);
    }
    expect(passwordHashKindOf('$2a$31$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy')).toBeUndefined();
    expect(await verifyPassword(hash, password)).toBe(true);
  });

  it('refuses to hash with bcrypt a password it would cut at 72 bytes', async () => {
    const fits = 'é'.repeat(BCRYPT_MAX_PASSWORD_BYTES / 2);
    const tooLong = `${fits}x`;
    expect(passwordFitsHashKind(fits, 'bcrypt')).toBe(true);
    expect(passwordFitsHashKind(tooLong, 'bcrypt')).toBe(false);
    expect(passwordFitsHashKind(tooLong, 'argon2id')).toBe(true);
    await expect(hashPassword(tooLong, 'bcrypt')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await verifyPassword(await hashPassword(fits, 'bcrypt'), fits)).toBe(true);
    expect(await verifyPassword(await hashPassword(tooLong), tooLong)).toBe(true);
  });
});
