import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

const EN = { 'accept-language': 'en' };

describeApi('organisation settings API', (ctx) => {
  it('shows every staff member their organisation’s usual hours, the defaults 09:00–12:30, 13:30–17:00, 18:00–21:00', async () => {
    const tenant = await createTenant(ctx.db);
    for (const user of [tenant.admin, tenant.secretary, tenant.teacher, tenant.staff]) {
      const response = await (await ctx.login(user)).get('/api/organization');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        id: tenant.organization.id,
        morning_start: '09:00', morning_end: '12:30', afternoon_start: '13:30', afternoon_end: '17:00', evening_start: '18:00', evening_end: '21:00',
      });
    }
  });

  it('lets an administrator set other hours, which new sessions then get; nobody else (403)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    for (const user of [tenant.secretary, tenant.teacher, tenant.staff]) {
      expect((await (await ctx.login(user)).patch('/api/organization', { morning_start: '08:00' })).statusCode).toBe(403);
    }
    const updated = await admin.patch('/api/organization', { morning_start: '08:30', morning_end: '12:00', afternoon_start: '13:00', afternoon_end: '16:30' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ morning_start: '08:30', morning_end: '12:00', afternoon_start: '13:00', afternoon_end: '16:30', evening_start: '18:00' });
    expect((await admin.get('/api/auth/me')).json().organization.day_hours).toMatchObject({ morning_start: '08:30', afternoon_end: '16:30' });
    const session = await admin.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Horaires maison', start_date: '2027-02-01', end_date: '2027-02-01',
    });
    expect(session.statusCode, session.body).toBe(201);
    const slots = (await admin.get(`/api/sessions/${session.json().id}/slots`)).json().items;
    expect(slots.map((slot: { start_time: string; end_time: string }) => `${slot.start_time}-${slot.end_time}`)).toEqual(['08:30-12:00', '13:00-16:30']);
  });

  it('refuses hours out of order or overlapping, with a field error in French and English, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const reversed = await admin.patch('/api/organization', { morning_start: '12:00', morning_end: '09:00' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details.fields[0]).toMatchObject({ field: 'body.morning_end' });
    expect(reversed.json().error.details.fields[0].message).toContain('se suivre');
    // Against the stored hours: an afternoon starting before the stored morning ends.
    const overlapping = await admin.patch('/api/organization', { afternoon_start: '12:00' }, EN);
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json().error.details.fields[0]).toMatchObject({ field: 'body.afternoon_start' });
    expect(overlapping.json().error.details.fields[0].message).toContain('follow each other');
    expect((await admin.patch('/api/organization', { evening_end: '25:00' })).statusCode).toBe(400);
    expect((await admin.get('/api/organization')).json()).toMatchObject({ morning_start: '09:00', morning_end: '12:30', afternoon_start: '13:30' });
  });

  it('keeps organisations apart: one administrator’s hours change nothing in another organisation', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    expect((await (await ctx.login(b.admin)).patch('/api/organization', { evening_start: '19:00', evening_end: '22:00' })).statusCode).toBe(200);
    const seen = (await (await ctx.login(a.admin)).get('/api/organization')).json();
    expect(seen).toMatchObject({ id: a.organization.id, evening_start: '18:00', evening_end: '21:00' });
    const stored = await ctx.db.selectFrom('organizations').select(['evening_start']).where('id', '=', a.organization.id).executeTakeFirstOrThrow();
    expect(stored.evening_start).toBe('18:00:00');
  });
});
