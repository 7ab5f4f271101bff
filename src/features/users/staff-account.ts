/**
 * Creation of staff accounts by an operator (CLI, demo seed, tests): the login identity, in the
 * shape of the database's identity store (Supabase Auth's auth.users or EDUZEN's shim), and the
 * public.users profile, in one transaction. Runs with the connection's own privileges, outside
 * row-level security; the API creates accounts through withTenant instead.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { StaffRole } from '../../shared/roles';
import { createIdentity, hashPassword, identityStoreOf } from '../auth';
import { insertStaffProfile } from './user.repository';

export { STAFF_ROLES, type StaffRole } from '../../shared/roles';

export type NewStaffAccount = {
  organizationId: string;
  email: string;
  fullName?: string | null;
  role: StaffRole;
  password: string;
};

export async function createStaffAccount(db: Kysely<Database>, account: NewStaffAccount) {
  const email = account.email.trim().toLowerCase();
  const fullName = account.fullName ?? null;
  const store = await identityStoreOf(db);
  const passwordHash = await hashPassword(account.password, store.passwordHashKind);
  return db.transaction().execute(async (trx) => {
    const id = await createIdentity(trx, store, { email, passwordHash, fullName });
    return insertStaffProfile(trx, { id, organizationId: account.organizationId, email, fullName, role: account.role });
  });
}
