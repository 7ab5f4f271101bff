import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

describeApi('staff accounts API', (ctx) => {
  it('creates an account with a chosen password, which can then sign in', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/users', { email: '  Nadia.Formatrice@Example.TEST ', full_name: 'Nadia Benali', role: 'teacher', password: 'un mot de passe sûr' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const user = created.json();
    expect(user).toMatchObject({ email: 'nadia.formatrice@example.test', full_name: 'Nadia Benali', role: 'teacher', is_active: true, organization_id: tenant.organization.id });
    expect(user).not.toHaveProperty('temporary_password');
    expect(user).not.toHaveProperty('password');
    expect((await admin.get(`/api/users/${user.id}`)).json()).toEqual(user);

    const teacher = await ctx.login(user, 'un mot de passe sûr');
    const me = await teacher.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    const stored = await ctx.db.selectFrom('auth.users').select('encrypted_password').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.encrypted_password).toMatch(/^\$argon2id\$/);
  });

  it('generates a temporary password when none is given and returns it once', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/users', { email: 'secretariat@example.test', role: 'secretary' });
    expect(created.statusCode).toBe(201);
    const { temporary_password: temporaryPassword, ...user } = created.json();
    expect(temporaryPassword).toEqual(expect.any(String));
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(10);
    expect(user).toMatchObject({ full_name: null, role: 'secretary' });
    expect((await admin.get(`/api/users/${user.id}`)).json()).not.toHaveProperty('temporary_password');
    await ctx.login(user, temporaryPassword);
  });

  it('lists with role, activity and text filters, stable sort and pagination', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    await admin.post('/api/users', { email: 'zoe@example.test', full_name: 'Zoé 100%', role: 'teacher', password: 'password-long-enough' });
    const list = (await admin.get('/api/users?sort=role&order=desc&page_size=2')).json();
    expect(list).toMatchObject({ total: 5, page: 1, page_size: 2 });
    expect(list.items.map((u: { role: string }) => u.role)).toEqual(['teacher', 'teacher']);
    expect((await admin.get('/api/users?role=teacher')).json().total).toBe(2);
    expect((await admin.get('/api/users?q=zoe')).json().items.map((u: { email: string }) => u.email)).toEqual(['zoe@example.test']);
    expect((await admin.get('/api/users?q=100%25')).json().total).toBe(1);
    expect((await admin.get(`/api/users?q=${encodeURIComponent(tenant.staff.email)}`)).json().total).toBe(1);
    expect((await admin.delete(`/api/users/${tenant.staff.id}`)).statusCode).toBe(204);
    expect((await admin.get('/api/users?is_active=false')).json().items.map((u: { id: string }) => u.id)).toEqual([tenant.staff.id]);
    expect((await admin.get('/api/users?is_active=true')).json().total).toBe(4);
    const bad = await admin.get('/api/users?role=owner&sort=password&is_active=yes');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['querystring.is_active', 'querystring.role', 'querystring.sort']);
  });

  it('updates name and role, deactivates (DELETE never deletes) and reactivates an account', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const updated = await admin.patch(`/api/users/${tenant.staff.id}`, { full_name: 'Agent d’accueil', role: 'secretary', email: 'ignored@example.test' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ full_name: 'Agent d’accueil', role: 'secretary', email: tenant.staff.email });
    expect((await admin.patch(`/api/users/${tenant.staff.id}`, {})).json().role).toBe('secretary');

    // The teacher recorded attendance; deactivating keeps the account and its history.
    expect((await admin.delete(`/api/users/${tenant.teacher.id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/users/${tenant.teacher.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/users/${tenant.teacher.id}`)).json()).toMatchObject({ is_active: false });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: tenant.teacher.email, password: 'correct horse battery staple' } });
    expect(login.statusCode).toBe(401);
    expect((await admin.patch(`/api/users/${tenant.teacher.id}`, { is_active: true })).json().is_active).toBe(true);
    await ctx.login(tenant.teacher);
  });

  it('refuses bad fields with 400 and a duplicate e-mail with 409, creating nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const other = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const fields = (response: { json(): { error: { details: { fields: { field: string }[] } } } }) =>
      response.json().error.details.fields.map((f) => f.field).sort();

    const empty = await admin.post('/api/users', {});
    expect(empty.statusCode).toBe(400);
    expect(fields(empty)).toEqual(['body.email', 'body.role']);
    const wrong = await admin.post('/api/users', { email: 'pas-un-email', role: 'owner', password: 'court', full_name: 12 });
    expect(fields(wrong)).toEqual(['body.email', 'body.full_name', 'body.password', 'body.role']);
    const short = await admin.post('/api/users', { email: 'a@example.test', role: 'staff', password: '123456789' }, { 'accept-language': 'en' });
    expect(short.json().error.details.fields).toEqual([{ field: 'body.password', message: 'The password must be at least 10 characters long.' }]);
    expect((await admin.patch(`/api/users/${tenant.staff.id}`, { role: 'superuser' })).statusCode).toBe(400);
    expect((await admin.patch(`/api/users/${tenant.staff.id}`, { full_name: 'a\u0000b' })).statusCode).toBe(400);
    expect((await admin.get('/api/users?q=%00')).statusCode).toBe(400);
    expect((await admin.get('/api/users/not-a-uuid')).statusCode).toBe(400);

    // In the same organisation, and in another one: an e-mail names one login everywhere.
    for (const email of [tenant.secretary.email, other.secretary.email.toUpperCase()]) {
      const duplicate = await admin.post('/api/users', { email, role: 'staff', password: 'password-long-enough' });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error).toMatchObject({ code: 'DUPLICATE', details: { fields: [{ field: 'body.email' }] } });
    }
    expect((await admin.get('/api/users')).json().total).toBe(4);
    expect((await admin.get('/api/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await admin.patch('/api/users/00000000-0000-4000-8000-000000000000', { full_name: 'X' })).statusCode).toBe(404);
    expect((await admin.delete('/api/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
