/**
 * Where the login identities live, and in which shape.
 *
 * On Supabase, auth.users is Supabase Auth's (GoTrue's) table: its id has no default, and GoTrue
 * signs an e-mail user in only if the row has its instance (the nil UUID), the audience and role
 * `authenticated`, a confirmed e-mail, '' rather than NULL in the token columns it reads as
 * strings, and an `email` row in auth.identities; its hashes are bcrypt. Elsewhere auth.users is
 * EDUZEN's shim (supabase/migrations/20251201000000_auth_shim.sql: id, e-mail, hash, metadata,
 * timestamps) and hashes are argon2id.
 *
 * The store is read from the catalogue once per database handle. Identities are always written
 * in GoTrue's shape, cut down to the columns the table has: one writer fits GoTrue's table, older
 * GoTrue releases with fewer columns, and the shim. The API creates accounts through the SQL
 * function public.create_staff_account, which writes the same shape (migration 20251214000000).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import * as repository from './identity.repository';
import { type PasswordHashKind, hashPassword, passwordHashKindOf } from './password';

export type IdentityStore = {
  kind: 'gotrue' | 'shim';
  /** The kind of hash both doors verify: bcrypt where GoTrue reads the table, else argon2id. */
  passwordHashKind: PasswordHashKind;
  /** The columns of auth.users a row can be written to. */
  userColumns: ReadonlySet<string>;
  /** The same for auth.identities; undefined where that table does not exist (the shim). */
  identityColumns: ReadonlySet<string> | undefined;
};

export type NewIdentity = { email: string; passwordHash: string; fullName: string | null };

// GoTrue serves a single instance, whose id is the nil UUID; it looks users up by it.
const GOTRUE_INSTANCE_ID = '00000000-0000-0000-0000-000000000000';

const stores = new WeakMap<Kysely<Database>, Promise<IdentityStore>>();

/** The identity store behind a database handle (not a transaction: the answer is cached per handle). */
export function identityStoreOf(db: Kysely<Database>): Promise<IdentityStore> {
  let store = stores.get(db);
  if (!store) {
    store = readIdentityStore(db);
    stores.set(db, store);
    // A failed read (database unreachable, not migrated yet) is not remembered.
    store.catch(() => stores.delete(db));
  }
  return store;
}

async function readIdentityStore(db: Kysely<Database>): Promise<IdentityStore> {
  const columns = await repository.readIdentityTableColumns(db);
  if (columns.users.length === 0) throw new Error('auth.users does not exist: run `eduzen db migrate` first');
  const userColumns = new Set(columns.users);
  const identityColumns = columns.identities && new Set(columns.identities);
  const gotrue = identityColumns !== undefined || (userColumns.has('instance_id') && userColumns.has('aud'));
  return { kind: gotrue ? 'gotrue' : 'shim', passwordHashKind: gotrue ? 'bcrypt' : 'argon2id', userColumns, identityColumns };
}

/** Creates a staff member's login identity, with an id of our own, and returns that id. */
export async function createIdentity(trx: Transaction<Database>, store: IdentityStore, identity: NewIdentity): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  const emailClaims = { sub: id, email: identity.email, email_verified: true, phone_verified: false };
  await repository.insertUserIdentity(trx, onlyColumns({
    id,
    instance_id: GOTRUE_INSTANCE_ID,
    aud: 'authenticated',
    role: 'authenticated',
    email: identity.email,
    encrypted_password: identity.passwordHash,
    email_confirmed_at: now,
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    raw_user_meta_data: identity.fullName ? { ...emailClaims, full_name: identity.fullName } : emailClaims,
    created_at: now,
    updated_at: now,
    // GoTrue scans these into Go strings and booleans: a NULL fails its sign-in with a 500.
    confirmation_token: '',
    recovery_token: '',
    email_change_token_new: '',
    email_change_token_current: '',
    email_change: '',
    phone_change: '',
    phone_change_token: '',
    reauthentication_token: '',
    is_super_admin: false,
    is_sso_user: false,
    is_anonymous: false,
  }, store.userColumns));
  if (store.identityColumns) {
    // Before GoTrue's migration 20231117164230 the provider's id was the `id` column itself.
    const ids = store.identityColumns.has('provider_id') ? { id: randomUUID(), provider_id: id } : { id };
    await repository.insertEmailIdentity(trx, onlyColumns({
      ...ids,
      user_id: id,
      provider: 'email',
      identity_data: emailClaims,
      last_sign_in_at: now,
      created_at: now,
      updated_at: now,
    }, store.identityColumns));
  }
  return id;
}

/** Whether an identity already uses this e-mail (compared case-insensitively, as GoTrue does). */
export async function identityExists(db: Kysely<Database>, email: string): Promise<boolean> {
  return repository.identityExists(db, email);
}

/** Sets a password, hashed as the store verifies it; false when no identity has this e-mail. */
export async function setIdentityPassword(db: Kysely<Database>, email: string, password: string): Promise<boolean> {
  const store = await identityStoreOf(db);
  return repository.updatePasswordHashByEmail(db, email, await hashPassword(password, store.passwordHashKind));
}

/**
 * After a successful login, on the shim: a hash of another kind (bcrypt, brought over from
 * Supabase) is replaced by argon2id. GoTrue's hashes are left as they are: GoTrue must go on
 * verifying them, and rehashes those of another cost itself.
 */
export async function upgradePasswordHash(
  db: Kysely<Database>,
  store: IdentityStore,
  identity: { id: string; verifiedHash: string; password: string },
): Promise<void> {
  if (store.kind !== 'shim' || passwordHashKindOf(identity.verifiedHash) === 'argon2id') return;
  await repository.replacePasswordHash(db, identity.id, identity.verifiedHash, await hashPassword(identity.password, 'argon2id'));
}

// The row types name the columns of every GoTrue release; a table has some of them.
function onlyColumns<Row extends object>(row: Row, columns: ReadonlySet<string>): Row {
  return Object.fromEntries(Object.entries(row).filter(([column]) => columns.has(column))) as Row;
}
