/**
 * Creation of staff accounts by an operator (CLI, demo seed, tests): the auth.users identity
 * and the public.users profile, in one transaction. Runs with the connection's own privileges,
 * outside row-level security; the API creates accounts through withTenant instead.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { hashPassword } from '../auth';

export const STAFF_ROLES = ['admin', 'secretary', 'teacher', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type NewStaffAccount = {
  organizationId: string;
  email: string;
  fullName?: string | null;
  role: StaffRole;
  password: string;
};

export async function createStaffAccount(db: Kysely<Database>, account: NewStaffAccount) {
  const email = account.email.trim().toLowerCase();
  const encryptedPassword = await hashPassword(account.password);
  return db.transaction().execute(async (trx) => {
    const identity = await trx
      .insertInto('auth.users')
      .values({ email, encrypted_password: encryptedPassword })
      .returning('id')
      .executeTakeFirstOrThrow();
    return trx
      .insertInto('users')
      .values({
        id: identity.id,
        organization_id: account.organizationId,
        email,
        full_name: account.fullName ?? null,
        role: account.role,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
