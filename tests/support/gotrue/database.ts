/**
 * Databases whose `auth` schema is Supabase Auth's (GoTrue's), as on a Supabase project:
 * auth-schema.sql is run on an empty database, then EDUZEN's migrations, which find auth.users
 * and leave it alone. Plus what GoTrue itself would write, and what it needs to read back.
 *
 *   describeGoTrueApi('login', (ctx) => {
 *     it('…', async () => { await ctx.app.inject(…) });
 *   });
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type DatabaseHandle, type Engine, connect } from '../../../src/db/connect';
import type { Database } from '../../../src/db/schema';
import { migrate } from '../../../src/migrate/runner';
import { splitStatements } from '../../../src/migrate/split-statements';
import { createTestApp } from '../api';
import { ENGINES, createServerDatabase } from '../engines';

const SCHEMA_FILE = new URL('./auth-schema.sql', import.meta.url);

export const GOTRUE_INSTANCE_ID = '00000000-0000-0000-0000-000000000000';

/** A migrated database on the given engine whose auth schema GoTrue made. */
export async function openGoTrueDatabase(engine: Engine): Promise<{ handle: DatabaseHandle; databaseUrl?: string }> {
  const databaseUrl = engine === 'postgres' ? await createServerDatabase() : undefined;
  const handle = databaseUrl
    ? await connect({ engine: 'postgres', databaseUrl, poolSize: 10 })
    : await connect({ engine: 'embedded', dataDir: 'memory' });
  for (const statement of splitStatements(fs.readFileSync(SCHEMA_FILE, 'utf8'))) {
    await sql.raw(statement.text).execute(handle.db);
  }
  await migrate(handle.db);
  return { handle, databaseUrl };
}

export type GoTrueApiContext = {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  readonly db: Kysely<Database>;
  /** The database's URL on the server engine (undefined on PGlite). */
  readonly databaseUrl: string | undefined;
};

export function describeGoTrueApi(title: string, body: (ctx: GoTrueApiContext) => void): void {
  for (const engine of ENGINES) {
    describe(`${title} [${engine}]`, () => {
      let handle: DatabaseHandle | undefined;
      let app: FastifyInstance | undefined;
      let databaseUrl: string | undefined;
      const ctx: GoTrueApiContext = {
        engine,
        get app() {
          if (!app) throw new Error('the app is not ready yet (use it inside tests or hooks)');
          return app;
        },
        get db() {
          if (!handle) throw new Error('the database is not open yet');
          return handle.db;
        },
        get databaseUrl() {
          return databaseUrl;
        },
      };
      beforeAll(async () => {
        ({ handle, databaseUrl } = await openGoTrueDatabase(engine));
        app = await createTestApp(handle);
      });
      afterAll(async () => {
        await app?.close();
        await handle?.close();
      });
      body(ctx);
    });
  }
}

/** An e-mail account as GoTrue's sign-up writes it (confirmed), with its `email` identity. */
export async function insertGoTrueAccount(db: Kysely<Database>, account: { email: string; encryptedPassword: string; fullName?: string }) {
  const id = randomUUID();
  const claims = JSON.stringify({ sub: id, email: account.email, email_verified: true, phone_verified: false });
  const metadata = JSON.stringify({ sub: id, email: account.email, email_verified: true, phone_verified: false, full_name: account.fullName });
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change,
      phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
      is_super_admin, is_sso_user, is_anonymous, created_at, updated_at)
    values (${GOTRUE_INSTANCE_ID}, ${id}, 'authenticated', 'authenticated', ${account.email}, ${account.encryptedPassword},
      now() - interval '2 years', '', '', '', '', '', '', '', '',
      '{"provider": "email", "providers": ["email"]}', ${metadata}::jsonb,
      false, false, false, now() - interval '2 years', now() - interval '2 years')
  `.execute(db);
  await sql`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${id}, ${id}, ${claims}::jsonb, 'email', now() - interval '2 years', now() - interval '2 years', now() - interval '2 years')
  `.execute(db);
  return id;
}

// Columns GoTrue's User model scans into Go strings, booleans and integers: NULL there makes
// its sign-in fail with "converting NULL to string is unsupported".
const NON_NULL_FOR_GOTRUE = [
  'instance_id', 'aud', 'role', 'confirmation_token', 'recovery_token', 'email_change_token_current',
  'email_change_token_new', 'email_change', 'phone_change_token', 'phone_change', 'reauthentication_token',
  'email_change_confirm_status', 'is_super_admin', 'is_sso_user', 'is_anonymous', 'raw_app_meta_data',
  'raw_user_meta_data', 'created_at', 'updated_at',
] as const;

/**
 * Asserts that Supabase Auth's password sign-in would find the account and read it: its lookup
 * (instance, lower(email), audience, not SSO), a confirmed e-mail, no NULL where GoTrue wants a
 * value, and the `email` identity whose provider id is the user's id. Returns the rows.
 */
export async function expectGoTrueAccount(db: Kysely<Database>, id: string, email: string) {
  const found = await sql<Record<string, unknown>>`
    select * from auth.users
    where instance_id = ${GOTRUE_INSTANCE_ID} and lower(email) = ${email.toLowerCase()} and aud = 'authenticated' and is_sso_user = false
  `.execute(db);
  expect(found.rows).toHaveLength(1);
  const user = found.rows[0]!;
  expect(user.id).toBe(id);
  expect(user).toMatchObject({ role: 'authenticated', email: email.toLowerCase(), raw_app_meta_data: { provider: 'email', providers: ['email'] } });
  expect(user.email_confirmed_at).toBeInstanceOf(Date);
  expect(user.confirmed_at).toBeInstanceOf(Date);
  for (const column of NON_NULL_FOR_GOTRUE) expect(user[column], column).not.toBeNull();
  const identities = await sql<Record<string, unknown>>`
    select * from auth.identities where provider_id = ${id} and provider = 'email'
  `.execute(db);
  expect(identities.rows).toHaveLength(1);
  const identity = identities.rows[0]!;
  expect(identity).toMatchObject({
    user_id: id,
    email: email.toLowerCase(),
    identity_data: { sub: id, email: email.toLowerCase(), email_verified: true },
  });
  return { user, identity };
}
