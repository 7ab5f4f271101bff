/**
 * EDUZEN's own auth.users (the shim, off Supabase): accounts keep argon2id hashes, and a bcrypt
 * hash brought over from Supabase Auth still logs in, then is replaced by argon2id.
 */
import { expect, it } from 'vitest';
import { createIdentity, identityStoreOf, verifyPassword } from '../../src/features/auth';
import { describeApi } from '../support/api';
import { createOrganization, createTenant } from '../support/factories';

const LEGACY_PASSWORD = 'mot de passe Supabase 2024';
const LEGACY_HASH = '$2a$10$LegacyGoTrueSaltEduzeuZH4pZNBRQpt6sBkE8IlaK7bTZoaU4Yy';

describeApi('EDUZEN’s own auth.users', (ctx) => {
  async function storedHash(id: string) {
    const row = await ctx.db.selectFrom('auth.users').select('encrypted_password').where('id', '=', id).executeTakeFirstOrThrow();
    return row.encrypted_password!;
  }

  it('is recognised as the shim, whose accounts get argon2id through the factories and the API', async () => {
    expect(await identityStoreOf(ctx.db)).toMatchObject({ kind: 'shim', passwordHashKind: 'argon2id', identityColumns: undefined });
    const tenant = await createTenant(ctx.db);
    expect(await storedHash(tenant.teacher.id)).toMatch(/^\$argon2id\$/);
    const admin = await ctx.login(tenant.admin);
    const created = (await admin.post('/api/users', { email: 'shim.api@example.test', full_name: 'Inès Shim', role: 'staff', password: 'un mot de passe sûr' })).json();
    expect(await storedHash(created.id)).toMatch(/^\$argon2id\$/);
    // The shim's columns get the same values GoTrue's would.
    const identity = await ctx.db.selectFrom('auth.users').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({
      email: 'shim.api@example.test',
      raw_app_meta_data: { provider: 'email', providers: ['email'] },
      raw_user_meta_data: { sub: created.id, email: 'shim.api@example.test', full_name: 'Inès Shim' },
    });
    await ctx.login(created, 'un mot de passe sûr');
  });

  it('logs in with a bcrypt hash brought over from Supabase Auth, then keeps argon2id instead', async () => {
    const organization = await createOrganization(ctx.db);
    const store = await identityStoreOf(ctx.db);
    const id = await ctx.db.transaction().execute((trx) =>
      createIdentity(trx, store, { email: 'moved.from.supabase@example.test', passwordHash: LEGACY_HASH, fullName: null }));
    await ctx.db.insertInto('users')
      .values({ id, organization_id: organization.id, email: 'moved.from.supabase@example.test', role: 'teacher' })
      .execute();

    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'moved.from.supabase@example.test', password: 'pas le bon' } });
    expect(wrong.statusCode).toBe(401);
    expect(await storedHash(id)).toBe(LEGACY_HASH);

    await ctx.login({ email: 'moved.from.supabase@example.test' }, LEGACY_PASSWORD);
    const upgraded = await storedHash(id);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(upgraded, LEGACY_PASSWORD)).toBe(true);
    await ctx.login({ email: 'moved.from.supabase@example.test' }, LEGACY_PASSWORD);
    expect(await storedHash(id)).toBe(upgraded);
  });
});
