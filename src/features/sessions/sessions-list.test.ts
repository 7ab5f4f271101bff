import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant, uniqueCode } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type ListBody = { items: { name: string }[]; total: number };

const names = (body: ListBody) => body.items.map((s) => s.name);

describeApi('sessions list, counts and default schedule', (ctx) => {
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

  it('gives a new session its default slots: weekdays at the organisation’s hours, public holidays skipped', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    await ctx.db.updateTable('organizations').set({ morning_start: '08:30', morning_end: '12:00', afternoon_start: '13:00', afternoon_end: '16:45' })
      .where('id', '=', tenant.organization.id).execute();
    // Thursday 30 April to Monday 11 May 2026: 1 and 8 May are public holidays, both Fridays.
    const created = await admin.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Quinzaine', start_date: '2026-04-30', end_date: '2026-05-11' });
    expect(created.statusCode).toBe(201);
    const session = created.json();
    // Six working days of a morning (210 minutes) and an afternoon (225 minutes).
    expect(session).toMatchObject({ slot_count: 12, planned_minutes: 2610 });

    const slots = await admin.get(`/api/sessions/${session.id}/slots`);
    expect(slots.statusCode).toBe(200);
    const { items, total, planned_minutes } = slots.json();
    expect({ total, planned_minutes }).toEqual({ total: 12, planned_minutes: 2610 });
    expect(items.slice(0, 2)).toMatchObject([
      { date: '2026-04-30', part_of_day: 'morning', start_time: '08:30', end_time: '12:00', minutes: 210, status: 'planned', non_working_day: null, marked_count: 0 },
      { date: '2026-04-30', part_of_day: 'afternoon', start_time: '13:00', end_time: '16:45', minutes: 225, status: 'planned', non_working_day: null, marked_count: 0 },
    ]);
    const dates = [...new Set(items.map((slot: { date: string }) => slot.date))];
    expect(dates).toEqual(['2026-04-30', '2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07', '2026-05-11']);
    expect((await admin.get('/api/sessions/00000000-0000-4000-8000-000000000000/slots')).statusCode).toBe(404);
  });

  it('generates a session’s slots from the schedule it is created with, Sundays skipped; none with schedule null', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const create = (values: Record<string, unknown>) =>
      admin.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Semaine', start_date: '2026-03-05', end_date: '2026-03-09', ...values });
    // Every day of the week asked for: Saturday 7 March is kept, Sunday 8 March is not.
    const everyDay = await create({
      schedule: { weekdays: [1, 2, 3, 4, 5, 6, 7], parts: [{ part_of_day: 'morning', start_time: '08:30', end_time: '12:00' }, { part_of_day: 'afternoon', start_time: '13:00', end_time: '16:45' }] },
    });
    expect(everyDay.statusCode).toBe(201);
    expect(everyDay.json()).toMatchObject({ slot_count: 8, planned_minutes: 4 * (210 + 225) });
    const items = (await admin.get(`/api/sessions/${everyDay.json().id}/slots`)).json().items;
    expect(items.map((slot: { date: string; part_of_day: string }) => `${slot.date} ${slot.part_of_day}`)).toEqual([
      '2026-03-05 morning', '2026-03-05 afternoon', '2026-03-06 morning', '2026-03-06 afternoon',
      '2026-03-07 morning', '2026-03-07 afternoon', '2026-03-09 morning', '2026-03-09 afternoon',
    ]);
    // Weekdays only by default: Thursday 5, Friday 6 and Monday 9 March.
    expect((await create({})).json()).toMatchObject({ slot_count: 6, planned_minutes: 6 * 210 });

    const unscheduled = await create({ schedule: null });
    expect(unscheduled.json()).toMatchObject({ slot_count: 0, planned_minutes: 0 });
    expect((await admin.get(`/api/sessions/${unscheduled.json().id}/slots`)).json()).toEqual({ items: [], total: 0, planned_minutes: 0 });
    const bad = await create({ schedule: { weekdays: ['monday'], skip_non_working_days: 'maybe' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.schedule.skip_non_working_days', 'body.schedule.weekdays.0']);
    expect((await admin.get('/api/sessions?q=Semaine')).json().total).toBe(3);
  });
});
