/**
 * Queries on the login identities (auth.users, auth.identities) for identity-store.ts. The
 * generated types know auth.users as EDUZEN's shim has it; GoTrue's further columns and its
 * identities table are declared here, and written only where the catalogue shows them.
 */
import { type Insertable, type Kysely, type Transaction, sql } from 'kysely';
import type { Database, Json, Timestamp } from '../../db/schema';

type GoTrueUserColumns = {
  instance_id: string | null;
  aud: string | null;
  role: string | null;
  email_confirmed_at: Timestamp | null;
  confirmation_token: string | null;
  recovery_token: string | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change: string | null;
  phone_change: string | null;
  phone_change_token: string | null;
  reauthentication_token: string | null;
  is_super_admin: boolean | null;
  is_sso_user: boolean | null;
  is_anonymous: boolean | null;
};

type GoTrueIdentities = {
  id: string | undefined;
  provider_id: string | undefined;
  user_id: string;
  provider: string;
  identity_data: Json;
  last_sign_in_at: Timestamp | null;
  created_at: Timestamp | null;
  updated_at: Timestamp | null;
};

type GoTrueTables = { 'auth.users': GoTrueUserColumns; 'auth.identities': GoTrueIdentities };
type IdentityTables = Database & GoTrueTables;

export type UserIdentityRow = Insertable<IdentityTables['auth.users']> & { id: string };
export type EmailIdentityRow = Insertable<GoTrueIdentities>;

/**
 * The columns a row can be written to (generated ones excluded) of auth.users and, when the
 * table exists, auth.identities. Read from pg_catalog, which any role may read, unlike
 * information_schema, which hides the columns of tables the role has no privilege on.
 */
export async function readIdentityTableColumns(db: Kysely<Database>) {
  const result = await sql<{ table_name: 'users' | 'identities'; column_name: string }>`
    select c.relname as table_name, a.attname as column_name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'auth' and c.relname in ('users', 'identities') and c.relkind in ('r', 'p')
      and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
  `.execute(db);
  const columnsOf = (table: 'users' | 'identities') =>
    result.rows.filter((row) => row.table_name === table).map((row) => row.column_name);
  const identities = columnsOf('identities');
  return { users: columnsOf('users'), identities: identities.length > 0 ? identities : undefined };
}

export async function insertUserIdentity(trx: Transaction<Database>, row: UserIdentityRow): Promise<void> {
  await trx.withTables<GoTrueTables>().insertInto('auth.users').values(row).execute();
}

export async function insertEmailIdentity(trx: Transaction<Database>, row: EmailIdentityRow): Promise<void> {
  await trx.withTables<GoTrueTables>().insertInto('auth.identities').values(row).execute();
}

export async function identityExists(db: Kysely<Database>, email: string): Promise<boolean> {
  const row = await db.selectFrom('auth.users').select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row !== undefined;
}

/** Sets the hash of the identity with this e-mail; false when there is none. */
export async function updatePasswordHashByEmail(db: Kysely<Database>, email: string, passwordHash: string): Promise<boolean> {
  const result = await db.updateTable('auth.users')
    .set({ encrypted_password: passwordHash, updated_at: new Date() })
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces a hash only if it is still the one that was verified (a concurrent change wins). */
export async function replacePasswordHash(db: Kysely<Database>, userId: string, verifiedHash: string, passwordHash: string): Promise<void> {
  await db.updateTable('auth.users')
    .set({ encrypted_password: passwordHash, updated_at: new Date() })
    .where('id', '=', userId)
    .where('encrypted_password', '=', verifiedHash)
    .execute();
}
