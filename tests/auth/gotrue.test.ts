/**
 * EDUZEN on a Supabase project: auth.users is Supabase Auth's (GoTrue's). Legacy staff keep
 * their bcrypt passwords, and every account EDUZEN creates can also sign in through GoTrue.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { identityStoreOf, verifyPassword } from '../../src/features/auth';
import { seedDemo } from '../../src/seed/demo';
import { DEMO_ADMIN_EMAIL } from '../../src/seed/demo-data';
import { loginAs } from '../support/api';
import { runCli } from '../support/cli';
import { TEST_PASSWORD, createOrganization, createStaff } from '../support/factories';
import { describeGoTrueApi, expectGoTrueAccount, insertGoTrueAccount } from '../support/gotrue/database';

// Made by libxcrypt's bcrypt with a fixed salt, as Supabase Auth stores them ($2a$, cost 10).
const LEGACY_PASSWORD = 'mot de passe Supabase 2024';
const LEGACY_HASH = '$2a$10$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy';

describeGoTrueApi('EDUZEN on Supabase Auth’s auth.users', (ctx) => {
  async function storedHash(id: string) {
    const row = await ctx.db.selectFrom('auth.users').select('encrypted_password').where('id', '=', id).executeTakeFirstOrThrow();
    return row.encrypted_password!;
  }

  it('migrates without touching GoTrue’s tables, and recognises them', async () => {
    const id = await sql<{ default: string | null; nullable: string }>`
      select column_default as default, is_nullable as nullable from information_schema.columns
      where table_schema = 'auth' and table_name = 'users' and column_name = 'id'
    `.execute(ctx.db);
    expect(id.rows).toEqual([{ default: null, nullable: 'NO' }]);
    const store = await identityStoreOf(ctx.db);
    expect(store).toMatchObject({ kind: 'gotrue', passwordHashKind: 'bcrypt' });
    expect(store.userColumns.has('confirmed_at')).toBe(false); // generated: never written
    expect(store.identityColumns?.has('provider_id')).toBe(true);
  });

  it('logs in a staff member whose identity Supabase Auth wrote, and keeps their bcrypt hash', async () => {
    const organization = await createOrganization(ctx.db);
    const id = await insertGoTrueAccount(ctx.db, { email: 'claire.legacy@example.test', encryptedPassword: LEGACY_HASH, fullName: 'Claire' });
    await ctx.db.insertInto('users')
      .values({ id, organization_id: organization.id, email: 'claire.legacy@example.test', full_name: 'Claire', role: 'secretary' })
      .execute();

    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'Claire.Legacy@example.test', password: LEGACY_PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { id, role: 'secretary' }, organization: { id: organization.id } });
    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'claire.legacy@example.test', password: `${LEGACY_PASSWORD}!` } });
    const unknown = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: LEGACY_PASSWORD } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());

    expect(await storedHash(id)).toBe(LEGACY_HASH);
    const signedIn = await ctx.db.selectFrom('auth.users').select('last_sign_in_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(signedIn.last_sign_in_at).toBeInstanceOf(Date);
  });

  it('creates accounts through the users API in GoTrue’s shape, with a bcrypt hash', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await loginAs(ctx.app, await createStaff(ctx.db, organization.id, 'admin'));
    const created = await admin.post('/api/users', { email: 'Nadia.API@example.test', full_name: 'Nadia Benali', role: 'teacher', password: 'un mot de passe sûr' });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ email: 'nadia.api@example.test', role: 'teacher', organization_id: organization.id });

    const { user: identity } = await expectGoTrueAccount(ctx.db, user.id, 'nadia.api@example.test');
    expect(identity.raw_user_meta_data).toMatchObject({ full_name: 'Nadia Benali', sub: user.id });
    expect(identity.encrypted_password).toMatch(/^\$2a\$10\$/);
    expect(await verifyPassword(identity.encrypted_password as string, 'un mot de passe sûr')).toBe(true);
    expect((await (await loginAs(ctx.app, user, 'un mot de passe sûr')).get('/api/auth/me')).statusCode).toBe(200);

    const generated = await admin.post('/api/users', { email: 'secretariat.api@example.test', role: 'secretary' });
    expect(generated.statusCode).toBe(201);
    await expectGoTrueAccount(ctx.db, generated.json().id, 'secretariat.api@example.test');
    await loginAs(ctx.app, generated.json(), generated.json().temporary_password);

    const duplicate = await admin.post('/api/users', { email: 'NADIA.api@example.test', role: 'staff', password: 'un autre mot de passe' });
    expect(duplicate.statusCode).toBe(409);
    // bcrypt reads 72 bytes at most: a longer password is refused rather than cut.
    const tooLong = await admin.post('/api/users', { email: 'long@example.test', role: 'staff', password: 'é'.repeat(37) });
    expect(tooLong.statusCode).toBe(400);
    const refused = await ctx.db.selectFrom('auth.users').select('id').where('email', 'in', ['long@example.test']).execute();
    expect(refused).toEqual([]);
  });

  it('gives the operator’s accounts (factories, demo seed) the same shape', async () => {
    const organization = await createOrganization(ctx.db);
    const teacher = await createStaff(ctx.db, organization.id, 'teacher', { fullName: 'Paul Martin' });
    const { user: identity } = await expectGoTrueAccount(ctx.db, teacher.id, teacher.email);
    expect(identity.raw_user_meta_data).toMatchObject({ full_name: 'Paul Martin' });
    expect(await storedHash(teacher.id)).toMatch(/^\$2a\$10\$/);
    await loginAs(ctx.app, teacher, TEST_PASSWORD);

    const seeded = await seedDemo(ctx.db);
    expect(seeded.created).toBe(true);
    if (!seeded.created) return;
    const accounts = await ctx.db.selectFrom('users').select(['id', 'email']).where('organization_id', '=', seeded.organizationId).execute();
    expect(accounts.length).toBeGreaterThan(1);
    for (const account of accounts) {
      await expectGoTrueAccount(ctx.db, account.id, account.email);
      expect(await storedHash(account.id)).toMatch(/^\$2a\$10\$/);
    }
    const demoAdmin = await loginAs(ctx.app, { email: DEMO_ADMIN_EMAIL }, seeded.adminPassword);
    expect((await demoAdmin.get('/api/auth/me')).json()).toMatchObject({ user: { email: DEMO_ADMIN_EMAIL, role: 'admin' } });
  });

  // The CLI opens its own connection: a server database (PGlite in memory has one client).
  // The CLI opens its own connection to the database: only a server's can be shared with it.
  if (ctx.engine === 'postgres') it('eduzen user create and user password work there, and write what the API writes', async () => {
    const env = { DATABASE_URL: ctx.databaseUrl! };
    const organization = await createOrganization(ctx.db);

    const created = await runCli(
      ['user', 'create', '--org', organization.code, '--email', 'Marc.CLI@example.test', '--role', 'admin', '--name', 'Marc Petit'],
      { stdin: 'mot de passe du CLI\n', env },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = /id ([0-9a-f-]{36})/.exec(created.stdout)![1]!;
    const { user: identity } = await expectGoTrueAccount(ctx.db, id, 'marc.cli@example.test');
    expect(identity.raw_user_meta_data).toMatchObject({ full_name: 'Marc Petit' });
    expect(await storedHash(id)).toMatch(/^\$2a\$10\$/);
    const admin = await loginAs(ctx.app, { email: 'marc.cli@example.test' }, 'mot de passe du CLI');

    const again = await runCli(['user', 'create', '--org', organization.code, '--email', 'marc.cli@example.test', '--role', 'staff'], { stdin: 'mot de passe du CLI\n', env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const changed = await runCli(['user', 'password', '--email', 'marc.cli@example.test'], { stdin: 'nouveau mot de passe\n', env });
    expect(changed.code).toBe(0);
    expect(await storedHash(id)).toMatch(/^\$2a\$10\$/);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'marc.cli@example.test', password: 'mot de passe du CLI' } })).statusCode).toBe(401);
    await loginAs(ctx.app, { email: 'marc.cli@example.test' }, 'nouveau mot de passe');

    // The CLI (TypeScript) and the API (SQL function) fill the same columns.
    const viaApi = (await admin.post('/api/users', { email: 'same.shape@example.test', full_name: 'Même Forme', role: 'staff', password: 'mot de passe de l’API' })).json();
    await loginAs(ctx.app, viaApi, 'mot de passe de l’API');
    const filled = async (userId: string) => {
      const { user, identity: emailIdentity } = await expectGoTrueAccount(ctx.db, userId, userId === id ? 'marc.cli@example.test' : 'same.shape@example.test');
      const columns = (row: Record<string, unknown>) => Object.keys(row).filter((column) => row[column] !== null).sort();
      return { user: columns(user), identity: columns(emailIdentity), metadata: Object.keys(user.raw_user_meta_data as object).sort() };
    };
    expect(await filled(viaApi.id)).toEqual(await filled(id));
  });
});
