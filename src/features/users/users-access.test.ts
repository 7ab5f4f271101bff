import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { claimsFor, createTenant } from '../../../tests/support/factories';
import { withTenant } from '../../db/tenant';

describeApi('staff accounts: who may manage them', (ctx) => {
  it('is for administrators only: other roles get 403 and change nothing; 401 without login', async () => {
    const tenant = await createTenant(ctx.db);
    for (const user of [tenant.secretary, tenant.teacher, tenant.staff]) {
      const client = await ctx.login(user);
      for (const response of [
        await client.get('/api/users'),
        await client.get(`/api/users/${tenant.admin.id}`),
        await client.post('/api/users', { email: `new-${user.role}@example.test`, role: 'admin', password: 'password-long-enough' }),
        await client.patch(`/api/users/${user.id}`, { role: 'admin' }),
        await client.patch(`/api/users/${tenant.admin.id}`, { is_active: false }),
        await client.delete(`/api/users/${tenant.admin.id}`),
      ]) {
        expect(response.statusCode).toBe(403);
        expect(response.json().error.code).toBe('FORBIDDEN');
      }
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'x@example.test', role: 'admin' } })).statusCode).toBe(401);
    const rows = await ctx.db.selectFrom('users').select(['role', 'is_active']).where('organization_id', '=', tenant.organization.id).orderBy('role').execute();
    expect(rows).toEqual([
      { role: 'admin', is_active: true }, { role: 'secretary', is_active: true }, { role: 'staff', is_active: true }, { role: 'teacher', is_active: true },
    ]);
  });

  it('refuses an administrator changing their own role or deactivating themselves (403), but allows renaming', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const demoted = await admin.patch(`/api/users/${tenant.admin.id}`, { role: 'teacher' });
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().error.message).toContain('your own role');
    const deactivated = await admin.patch(`/api/users/${tenant.admin.id}`, { is_active: false });
    expect(deactivated.statusCode).toBe(403);
    expect(deactivated.json().error.message).toContain('deactivate your own account');
    expect((await admin.delete(`/api/users/${tenant.admin.id}`)).statusCode).toBe(403);
    const renamed = await admin.patch(`/api/users/${tenant.admin.id}`, { full_name: 'Directrice', role: 'admin', is_active: true });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ full_name: 'Directrice', role: 'admin', is_active: true });
  });

  it('keeps organisations apart: accounts are created in the caller’s organisation, and another organisation gets 404', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    const created = await adminB.post('/api/users', { email: 'intrus@example.test', role: 'admin', password: 'password-long-enough', organization_id: a.organization.id });
    expect(created.statusCode).toBe(201);
    expect(created.json().organization_id).toBe(b.organization.id);

    expect((await adminB.get('/api/users')).json().items.every((u: { organization_id: string }) => u.organization_id === b.organization.id)).toBe(true);
    expect((await adminB.get(`/api/users?q=${encodeURIComponent(a.admin.email)}`)).json().total).toBe(0);
    expect((await adminB.get(`/api/users/${a.teacher.id}`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/users/${a.teacher.id}`, { role: 'admin', full_name: 'Piraté' })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/users/${a.teacher.id}`)).statusCode).toBe(404);
    const untouched = await ctx.db.selectFrom('users').selectAll().where('id', '=', a.teacher.id).executeTakeFirstOrThrow();
    expect(untouched).toMatchObject({ role: 'teacher', is_active: true, full_name: a.teacher.full_name, organization_id: a.organization.id });
  });

  it('lets only an active administrator call create_staff_account directly under the authenticated role', async () => {
    const tenant = await createTenant(ctx.db);
    const call = (user: typeof tenant.admin, email: string) =>
      withTenant(ctx.db, claimsFor(user), (trx) =>
        sql<{ id: string }>`select public.create_staff_account(${email}, 'not-a-real-hash', 'Direct', 'admin') as id`.execute(trx));
    await expect(call(tenant.secretary, 'direct-secretary@example.test')).rejects.toMatchObject({ code: '42501' });
    await expect(call(tenant.teacher, 'direct-teacher@example.test')).rejects.toMatchObject({ code: '42501' });
    // Nor can anyone write auth.users directly.
    await expect(withTenant(ctx.db, claimsFor(tenant.admin), (trx) =>
      trx.insertInto('auth.users').values({ email: 'raw@example.test' }).execute())).rejects.toMatchObject({ code: '42501' });
    const created = await call(tenant.admin, 'direct-admin@example.test');
    const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', created.rows[0]!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ organization_id: tenant.organization.id, role: 'admin', email: 'direct-admin@example.test' });
    const count = await ctx.db.selectFrom('auth.users').select((eb) => eb.fn.countAll<string>().as('n')).where('email', 'like', 'direct-%').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});
