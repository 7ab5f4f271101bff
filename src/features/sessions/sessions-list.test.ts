import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant, uniqueCode } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type ListBody = { items: { name: string }[]; total: number };

const names = (body: ListBody) => body.items.map((s) => s.name);

describeApi('sessions list, counts and half-days', (ctx) => {
  /** A second formation without programme and three more sessions, spread over 2026. */
  async function seedCatalogue(tenant: Tenant) {
    const admin = await ctx.login(tenant.admin);
    const loose = (await admin.post('/api/formations', { code: uniqueCode('LIB'), name: 'Anglais libre' })).json();
    const create = async (values: Record<string, unknown>) => {
      const response = await admin.post('/api/sessions', values);
      expect(response.statusCode).toBe(201);
      return response.json();
    };
    const spring = await create({ formation_id: loose.id, name: 'Printemps', start_date: '2026-04-06', end_date: '2026-04-17', status: 'ongoing', teacher_id: tenant.teacher.id });
    const summer = await create({ formation_id: tenant.formation.id, name: 'Été', start_date: '2026-07-01', end_date: '2026-07-31', status: 'cancelled' });
    const autumn = await create({ formation_id: loose.id, name: 'Automne', start_date: '2026-10-05', end_date: '2026-10-09', teacher_id: tenant.admin.id });
    return { admin, loose, spring, summer, autumn };
  }

  it('filters by formation, programme (or none), status, teacher, overlapping dates and text', async () => {
    const tenant = await createTenant(ctx.db);
    const { admin, loose } = await seedCatalogue(tenant);
    const list = async (query: string) => {
      const response = await admin.get(`/api/sessions?${query}`);
      expect(response.statusCode, query).toBe(200);
      return names(response.json());
    };
    // Default sort: start_date ascending, id as tiebreaker.
    expect(await list('')).toEqual(['Session test', 'Printemps', 'Été', 'Automne']);
    expect(await list('sort=end_date&order=desc')).toEqual(['Automne', 'Été', 'Printemps', 'Session test']);
    expect(await list(`formation_id=${loose.id}`)).toEqual(['Printemps', 'Automne']);
    expect(await list(`program_id=${tenant.program.id}`)).toEqual(['Session test', 'Été']);
    expect(await list('program_id=none')).toEqual(['Printemps', 'Automne']);
    expect(await list('status=cancelled')).toEqual(['Été']);
    expect(await list('status=planned')).toEqual(['Session test', 'Automne']);
    expect(await list(`teacher_id=${tenant.teacher.id}`)).toEqual(['Session test', 'Printemps']);
    // Overlap: a session counts when it runs on at least one day of the range.
    expect(await list('from=2026-04-17&to=2026-07-01')).toEqual(['Printemps', 'Été']);
    expect(await list('from=2026-07-15')).toEqual(['Été', 'Automne']);
    expect(await list('to=2026-03-02')).toEqual(['Session test']);
    expect(await list('from=2026-03-07&to=2026-04-05')).toEqual([]);
    // Text: the session's name or its formation's name, case-insensitive.
    expect(await list('q=anglais')).toEqual(['Printemps', 'Automne']);
    expect(await list('q=ÉTÉ')).toEqual(['Été']);
    expect(await list(`q=automne&formation_id=${loose.id}&status=planned`)).toEqual(['Automne']);

    const paged = (await admin.get('/api/sessions?page_size=3&page=2')).json();
    expect(paged).toMatchObject({ total: 4, page: 2, page_size: 3 });
    expect(names(paged)).toEqual(['Automne']);

    const bad = await admin.get('/api/sessions?status=archived&teacher_id=me&from=2026-13-01&page=-1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['querystring.from', 'querystring.page', 'querystring.status', 'querystring.teacher_id']);
    const reversed = await admin.get('/api/sessions?from=2026-05-01&to=2026-04-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details.fields[0].field).toBe('querystring.to');
  });

  it('counts enrolled (pending, confirmed, completed) and waitlisted learners and the seats remaining', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const statuses = ['pending', 'completed', 'waitlisted', 'waitlisted', 'cancelled'] as const;
    for (const status of statuses) {
      const student = await ctx.db.insertInto('students')
        .values({ organization_id: tenant.organization.id, first_name: 'Apprenant', last_name: status }).returning('id').executeTakeFirstOrThrow();
      await ctx.db.insertInto('enrollments')
        .values({ organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: student.id, status }).execute();
    }
    // The factory's own enrollment is confirmed.
    const session = (await admin.get(`/api/sessions/${tenant.session.id}`)).json();
    expect(session).toMatchObject({ capacity_max: 10, enrolled_count: 3, waitlisted_count: 2, seats_remaining: 7 });
    expect((await admin.get('/api/sessions')).json().items[0]).toMatchObject({ enrolled_count: 3, waitlisted_count: 2 });

    expect((await admin.patch(`/api/sessions/${tenant.session.id}`, { capacity_max: 3 })).json().seats_remaining).toBe(0);
    // Over capacity (e.g. filled before the capacity rule existed): never a negative count.
    await ctx.db.updateTable('sessions').set({ capacity_max: 1 }).where('id', '=', tenant.session.id).execute();
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json().seats_remaining).toBe(0);
    expect((await admin.patch(`/api/sessions/${tenant.session.id}`, { capacity_max: null })).json().seats_remaining).toBeNull();
  });

  it('lists the half-days of a session, weekdays by default, with their times and minutes', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = (await admin.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Semaine', start_date: '2026-03-05', end_date: '2026-03-09',
      start_time: '08:30', am_end_time: '12:00', pm_start_time: '13:00', end_time: '16:45',
    })).json();
    const days = await admin.get(`/api/sessions/${created.id}/days`);
    expect(days.statusCode).toBe(200);
    // Thursday 5, Friday 6, Monday 9 March 2026.
    expect(days.json()).toHaveLength(6);
    expect(days.json().slice(0, 2)).toEqual([
      { date: '2026-03-05', slot: 'am', start_time: '08:30', end_time: '12:00', minutes: 210 },
      { date: '2026-03-05', slot: 'pm', start_time: '13:00', end_time: '16:45', minutes: 225 },
    ]);
    expect(days.json().map((d: { date: string }) => d.date)).not.toContain('2026-03-07');
    const withWeekends = (await admin.get(`/api/sessions/${created.id}/days?include_weekends=true`)).json();
    expect(withWeekends).toHaveLength(10);
    expect((await admin.get(`/api/sessions/${created.id}/days?include_weekends=maybe`)).statusCode).toBe(400);
    expect((await admin.get('/api/sessions/00000000-0000-4000-8000-000000000000/days')).statusCode).toBe(404);
  });
});
