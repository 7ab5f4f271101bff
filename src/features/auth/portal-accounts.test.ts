import { SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { TEST_JWT_SECRET, describeApi } from '../../../tests/support/api';
import { TEST_PASSWORD, createPortalAccount, createTenant } from '../../../tests/support/factories';
import { signSessionToken } from './token';

const SUPABASE_SECRET = 'supabase-secret-supabase-secret-supabase-secret';

/**
 * Learners' and parents' accounts (public.portal_accounts) have a login identity, and a
 * password, but are not staff: they open neither the dashboard nor the API.
 */
describeApi('portal accounts at the door', (ctx) => {
  it('are refused at login with the answer a wrong password gets, whatever the password', async () => {
    const tenant = await createTenant(ctx.db);
    const learner = await createPortalAccount(ctx.db, tenant.organization.id);
    const parent = await createPortalAccount(ctx.db, tenant.organization.id, { kind: 'parent' });
    const login = (email: string, password: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    const wrongPassword = await login(tenant.admin.email, 'not the password');
    expect(wrongPassword.statusCode).toBe(401);
    for (const account of [learner, parent]) {
      for (const password of [TEST_PASSWORD, 'not the password']) {
        const response = await login(account.email, password);
        expect(response.statusCode, `${account.kind} with ${password}`).toBe(401);
        expect(response.json()).toEqual(wrongPassword.json());
        expect(response.cookies).toEqual([]);
      }
    }
    expect(wrongPassword.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'wrong e-mail or password' } });
    const signedIn = await ctx.db.selectFrom('auth.users').select('last_sign_in_at').where('id', 'in', [learner.id, parent.id]).execute();
    expect(signedIn.map((row) => row.last_sign_in_at)).toEqual([null, null]);
  });

  it('get 401 on every route even with a token that names them', async () => {
    const tenant = await createTenant(ctx.db);
    const learner = await createPortalAccount(ctx.db, tenant.organization.id);
    const token = await signSessionToken(TEST_JWT_SECRET, {
      sub: learner.id, email: learner.email, role: 'authenticated', organization_id: tenant.organization.id, staff_role: 'admin', csrf: 'x',
    });
    for (const url of ['/api/auth/me', '/api/students', '/api/sessions', `/api/sessions/${tenant.session.id}/enrollments`]) {
      const response = await ctx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describeApi('portal accounts with Supabase access tokens', (ctx) => {
  it('get 401 with a token Supabase Auth issued them', async () => {
    const tenant = await createTenant(ctx.db);
    const parent = await createPortalAccount(ctx.db, tenant.organization.id, { kind: 'parent' });
    const token = await new SignJWT({ role: 'authenticated', email: parent.email }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(parent.id).setAudience('authenticated').setIssuer('https://project.supabase.co/auth/v1').setExpirationTime('1h')
      .sign(new TextEncoder().encode(SUPABASE_SECRET));
    const response = await ctx.app.inject({ method: 'GET', url: '/api/students', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(401);
    // The same kind of token of a staff member opens the API: the refusal is the account's.
    const adminToken = await new SignJWT({ role: 'authenticated', email: tenant.admin.email }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(tenant.admin.id).setAudience('authenticated').setExpirationTime('1h')
      .sign(new TextEncoder().encode(SUPABASE_SECRET));
    expect((await ctx.app.inject({ method: 'GET', url: '/api/students', headers: { authorization: `Bearer ${adminToken}` } })).statusCode).toBe(200);
  });
}, { env: { SUPABASE_JWT_SECRET: SUPABASE_SECRET } });
