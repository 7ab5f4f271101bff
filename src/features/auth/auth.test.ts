import { expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createTestApp, describeApi } from '../../../tests/support/api';
import { openMigratedDatabase } from '../../../tests/support/engines';
import { TEST_PASSWORD, createOrganization, createStaff } from '../../../tests/support/factories';

describeApi('auth', (ctx) => {
  it('logs in with e-mail and password: cookie, bearer token and the current user', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const response = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'bearer', user: { id: admin.id, role: 'admin' }, organization: { id: organization.id, code: organization.code } });
    expect(body.access_token).toEqual(expect.any(String));
    const cookie = response.cookies.find((c) => c.name === 'eduzen_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const viaBearer = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${body.access_token}` } });
    expect(viaBearer.json()).toMatchObject({ user: { email: admin.email }, csrf_token: null });
    const viaCookie = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { eduzen_session: cookie!.value } });
    expect(viaCookie.json()).toMatchObject({ user: { email: admin.email }, csrf_token: body.csrf_token });
  });

  it('gives the same answer for a wrong password and an unknown e-mail', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const wrongPassword = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: 'not it' } });
    const unknownEmail = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: 'not it' } });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'wrong e-mail or password' } });
  });

  it('refuses a deactivated account, even with a token issued before', async () => {
    const organization = await createOrganization(ctx.db);
    const secretary = await createStaff(ctx.db, organization.id, 'secretary');
    const client = await ctx.login(secretary);
    await ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', secretary.id).execute();
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
    const again = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: secretary.email, password: TEST_PASSWORD } });
    expect(again.statusCode).toBe(401);
  });

  it('rejects missing, malformed, forged and expired tokens with 401', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const forged = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setSubject(admin.id)
      .setIssuer('eduzen').setAudience('authenticated').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: 'Basic abc' }, { authorization: `Bearer ${forged}` }]) {
      const response = await ctx.app.inject({ method: 'GET', url: '/api/programs', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('protects cookie-authenticated mutations against CSRF, but not bearer ones', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: TEST_PASSWORD } });
    const { access_token: token, csrf_token: csrf } = login.json();
    const payload = { code: 'CSRF-1', name: 'Programme' };
    const withoutHeader = await ctx.app.inject({ method: 'POST', url: '/api/programs', cookies: { eduzen_session: token }, payload });
    expect(withoutHeader.statusCode).toBe(403);
    expect(withoutHeader.json().error.code).toBe('CSRF_REJECTED');
    const wrongHeader = await ctx.app.inject({ method: 'POST', url: '/api/programs', cookies: { eduzen_session: token }, headers: { 'x-csrf-token': 'guess' }, payload });
    expect(wrongHeader.statusCode).toBe(403);
    const count = await ctx.db.selectFrom('programs').select((eb) => eb.fn.countAll<string>().as('n')).where('organization_id', '=', organization.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const withHeader = await ctx.app.inject({ method: 'POST', url: '/api/programs', cookies: { eduzen_session: token }, headers: { 'x-csrf-token': csrf }, payload });
    expect(withHeader.statusCode).toBe(201);
    const bearer = await ctx.app.inject({ method: 'POST', url: '/api/programs', headers: { authorization: `Bearer ${token}` }, payload: { code: 'CSRF-2', name: 'Programme' } });
    expect(bearer.statusCode).toBe(201);
  });

  it('logout clears the session cookie', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(response.statusCode).toBe(204);
    const cleared = response.cookies.find((c) => c.name === 'eduzen_session');
    expect(cleared?.value).toBe('');
  });

  it('logout ends the session: its bearer token and its cookie stop working, other sessions go on', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const logIn = async () => {
      const response = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: TEST_PASSWORD } });
      return response.json() as { access_token: string; csrf_token: string };
    };
    const me = (headers: Record<string, string>, cookies: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers, cookies });
    const script = await logIn();
    const dashboard = await logIn();
    const other = await logIn();

    // A script logs out with its bearer token: that token is refused from then on.
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${script.access_token}` } })).statusCode).toBe(204);
    expect((await me({ authorization: `Bearer ${script.access_token}` })).statusCode).toBe(401);

    // The dashboard logs out by cookie (with its CSRF token): a copy of the cookie is refused too.
    const loggedOut = await ctx.app.inject({
      method: 'POST', url: '/api/auth/logout', cookies: { eduzen_session: dashboard.access_token }, headers: { 'x-csrf-token': dashboard.csrf_token },
    });
    expect(loggedOut.statusCode).toBe(204);
    expect((await me({}, { eduzen_session: dashboard.access_token })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${dashboard.access_token}` })).statusCode).toBe(401);

    // Another session of the same user is not affected; logging out twice is no error.
    expect((await me({ authorization: `Bearer ${other.access_token}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${script.access_token}` } })).statusCode).toBe(204);
    const revoked = await ctx.db.selectFrom('revoked_sessions').select(['user_id', 'organization_id', 'expires_at']).where('user_id', '=', admin.id).execute();
    expect(revoked).toHaveLength(2);
    expect(revoked.every((row) => row.organization_id === organization.id && new Date(row.expires_at).getTime() > Date.now())).toBe(true);
  });

  it('a logout forgets the revoked sessions whose tokens have expired', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    await ctx.db.insertInto('revoked_sessions')
      .values({ jti: `expired-${admin.id}`, organization_id: organization.id, user_id: admin.id, expires_at: new Date(Date.now() - 60_000) })
      .execute();
    const login = (await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: TEST_PASSWORD } })).json();
    await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${login.access_token}` } });
    const left = await ctx.db.selectFrom('revoked_sessions').select('jti').where('user_id', '=', admin.id).execute();
    expect(left).toHaveLength(1);
    expect(left[0]!.jti).not.toBe(`expired-${admin.id}`);
  });

  it('answers 400 with field errors in French by default and English on request', async () => {
    const fr = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'pas-un-email', password: '' } });
    expect(fr.statusCode).toBe(400);
    expect(fr.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Certains champs sont invalides.' });
    const fields = fr.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.password']));
    const en = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en-GB,en;q=0.9' }, payload: { email: 'x', password: 'y' } });
    expect(en.json().error.message).toBe('Some fields are invalid.');
    expect(en.json().error.details.fields[0].message).not.toEqual(fr.json().error.details.fields[0].message);
  });
});

it('rate-limits login attempts per address and e-mail [embedded]', async () => {
  const { handle } = await openMigratedDatabase('embedded');
  const app = await createTestApp(handle, { EDUZEN_LOGIN_MAX_ATTEMPTS: '3' });
  try {
    const attempt = (email: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'wrong' } });
    for (let i = 0; i < 3; i += 1) expect((await attempt('target@example.test')).statusCode).toBe(401);
    const limited = await attempt('target@example.test');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect((await attempt('other@example.test')).statusCode).toBe(401);
  } finally {
    await app.close();
    await handle.close();
  }
});

it('accepts Supabase access tokens when SUPABASE_JWT_SECRET is set [embedded]', async () => {
  const supabaseSecret = 'supabase-secret-supabase-secret-supabase-secret';
  const { handle } = await openMigratedDatabase('embedded');
  const app = await createTestApp(handle, { SUPABASE_JWT_SECRET: supabaseSecret });
  try {
    const organization = await createOrganization(handle.db);
    const admin = await createStaff(handle.db, organization.id, 'admin');
    const token = await new SignJWT({ role: 'authenticated', email: admin.email }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id).setAudience('authenticated').setIssuer('https://project.supabase.co/auth/v1').setExpirationTime('1h')
      .sign(new TextEncoder().encode(supabaseSecret));
    const response = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.id).toBe(admin.id);
  } finally {
    await app.close();
    await handle.close();
  }
});
