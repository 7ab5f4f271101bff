/**
 * Tenant-scoped transactions: the only way application code reaches tenant rows.
 *
 * `withTenant` opens a transaction, publishes the caller's claims as `request.jwt.claims`
 * (exactly as Supabase's PostgREST does) and switches to the `authenticated` role, so that
 * Postgres row-level security decides what the caller may see and change. Everything is
 * `set local`: it ends with the transaction and never leaks into a pooled connection.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from './schema';

/** The claims of an authenticated staff member, in Supabase's shape. */
export type TenantClaims = {
  sub: string;
  role: 'authenticated';
  email?: string;
  /** EDUZEN's own claims; policies read the organisation and role from public.users instead. */
  organization_id?: string;
  staff_role?: string;
};

export type TenantTransaction = Transaction<Database>;

export async function withTenant<T>(
  db: Kysely<Database>,
  claims: TenantClaims,
  work: (trx: TenantTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                     set_config('request.jwt.claim.sub', ${claims.sub}, true),
                     set_config('request.jwt.claim.role', 'authenticated', true)`.execute(trx);
    await sql`set local role authenticated`.execute(trx);
    return work(trx);
  });
}
