import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createStaff, createTenant } from '../../../tests/support/factories';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Response = { statusCode: number; json(): { error: { code: string; message: string; details: { fields: { field: string; message: string }[] } } } };

function fieldsOf(response: Response) {
  return response.json().error.details.fields.map((f) => f.field).sort();
}

describeApi('sessions API', (ctx) => {
  it('creates, reads, updates and deletes a session', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/sessions', {
      formation_id: tenant.formation.id,
      name: ' Session Hiver 2026 ',
      start_date: '2026-01-12',
      end_date: '2026-01-16',
      teacher_id: tenant.teacher.id,
      location: 'Salle 2',
      capacity_max: 8,
      organization_id: UNKNOWN_ID,
    });
    expect(created.statusCode).toBe(201);
    const session = created.json();
    expect(session).toMatchObject({
      name: 'Session Hiver 2026', start_date: '2026-01-12', end_date: '2026-01-16',
      formation_id: tenant.formation.id, formation_name: tenant.formation.name,
      program_id: tenant.program.id, program_name: tenant.program.name,
      teacher_id: tenant.teacher.id, teacher_name: 'Test teacher', location: 'Salle 2', capacity_max: 8, status: 'planned',
      enrolled_count: 0, waitlisted_count: 0, seats_remaining: 8, organization_id: tenant.organization.id,
      // Its default schedule: Monday to Friday, 09:00–12:30 and 13:30–17:00.
      slot_count: 10, planned_minutes: 2100,
    });
    expect((await admin.get(`/api/sessions/${session.id}`)).json()).toEqual(session);

    const updated = await admin.patch(`/api/sessions/${session.id}`, { status: 'ongoing', teacher_id: null, capacity_max: null, end_date: '2026-01-23' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      status: 'ongoing', teacher_id: null, teacher_name: null, capacity_max: null, seats_remaining: null,
      end_date: '2026-01-23', slot_count: 10, planned_minutes: 2100,
    });
    expect((await admin.patch(`/api/sessions/${session.id}`, {})).json().status).toBe('ongoing');
    // Dates that would leave slots outside the session are refused until those slots move.
    const shortened = await admin.patch(`/api/sessions/${session.id}`, { end_date: '2026-01-14' }, { 'accept-language': 'en' });
    expect(shortened.statusCode).toBe(409);
    expect(shortened.json().error).toMatchObject({ code: 'CONFLICT', details: { slots_outside: 4, fields: [{ field: 'body.end_date' }] } });
    expect((await admin.get(`/api/sessions/${session.id}`)).json()).toMatchObject({ end_date: '2026-01-23' });

    // Its slots are its own schedule: they go with it.
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.delete(`/api/sessions/${session.id}`)).statusCode).toBe(204);
    expect(await ctx.db.selectFrom('session_slots').select('id').where('session_id', '=', session.id).execute()).toEqual([]);
    expect((await admin.get(`/api/sessions/${session.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/sessions/${session.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/sessions/${session.id}`, { name: 'Fantôme' })).statusCode).toBe(404);
  });

  it('refuses bad fields and reversed dates with translated field errors, strips the former time fields, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const base = { formation_id: tenant.formation.id, name: 'Essai', start_date: '2026-05-04', end_date: '2026-05-08' };

    const empty = await admin.post('/api/sessions', {});
    expect(empty.statusCode).toBe(400);
    expect(fieldsOf(empty)).toEqual(['body.end_date', 'body.formation_id', 'body.name', 'body.start_date']);

    // start_time is no field of a session any more: it is stripped, not checked.
    const wrongTypes = await admin.post('/api/sessions', {
      ...base, formation_id: 'abc', start_date: '2026-02-30', capacity_max: 0, status: 'archived', start_time: '25:00', teacher_id: 42,
    });
    expect(wrongTypes.statusCode).toBe(400);
    expect(fieldsOf(wrongTypes)).toEqual(['body.capacity_max', 'body.formation_id', 'body.start_date', 'body.status', 'body.teacher_id']);
    expect((await admin.post('/api/sessions', { ...base, capacity_max: 1e15 })).statusCode).toBe(400);
    const outOfRange = await admin.post('/api/sessions', { ...base, start_date: '0000-01-01', end_date: '0000-01-02' });
    expect(outOfRange.statusCode).toBe(400);
    expect(fieldsOf(outOfRange)).toEqual(['body.end_date', 'body.start_date']);
    const nul = await admin.post('/api/sessions', { ...base, name: 'a\u0000b' }, { 'accept-language': 'en' });
    expect(nul.json().error.details.fields).toEqual([{ field: 'body.name', message: expect.stringContaining('NUL') }]);
    expect((await admin.get('/api/sessions?q=%00')).statusCode).toBe(400);
    expect((await admin.get('/api/sessions?from=0000-01-01')).statusCode).toBe(400);

    const reversed = await admin.post('/api/sessions', { ...base, end_date: '2026-05-01' }, { 'accept-language': 'en' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details.fields).toEqual([{ field: 'body.end_date', message: 'The end date must be on or after the start date.' }]);
    const reversedFr = await admin.post('/api/sessions', { ...base, end_date: '2026-05-01' });
    expect(reversedFr.json().error.details.fields[0].message).toBe('La date de fin doit être postérieure ou égale à la date de début.');
    const tooLong = await admin.post('/api/sessions', { ...base, end_date: '2206-05-08' });
    expect(fieldsOf(tooLong)).toEqual(['body.end_date']);

    // The former half-day times, even out of order, are stripped; the dates beside them are still checked.
    const times = await admin.post('/api/sessions', { ...base, am_end_time: '12:00', pm_start_time: '11:00', end_date: '2026-05-01' });
    expect(times.statusCode).toBe(400);
    expect(fieldsOf(times)).toEqual(['body.end_date']);
    // A bad schedule pattern names its field.
    const pattern = await admin.post('/api/sessions', { ...base, schedule: { weekdays: [0], parts: [{ part_of_day: 'morning', start_time: '12:00', end_time: '09:00' }] } });
    expect(pattern.statusCode).toBe(400);
    expect(fieldsOf(pattern)).toEqual(['body.schedule.parts.0.end_time', 'body.schedule.weekdays.0']);
    // Against the stored row on a partial update.
    const partialDates = await admin.patch(`/api/sessions/${tenant.session.id}`, { end_date: '2026-03-01' });
    expect(partialDates.statusCode).toBe(400);
    expect(fieldsOf(partialDates)).toEqual(['body.end_date']);
    const partialTimes = await admin.patch(`/api/sessions/${tenant.session.id}`, { start_time: '13:00', end_time: '08:00' });
    expect(partialTimes.statusCode).toBe(200);
    expect(partialTimes.json()).not.toHaveProperty('start_time');
    expect(partialTimes.json()).not.toHaveProperty('end_time');

    expect((await admin.get('/api/sessions')).json().total).toBe(1);
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ end_date: '2026-03-06', slot_count: 1, planned_minutes: 210 });
    expect((await admin.get(`/api/sessions/${tenant.session.id}/slots`)).json().items).toMatchObject([{ id: tenant.slot.id, start_time: '09:00', end_time: '12:30' }]);
    expect((await admin.get('/api/sessions/123')).statusCode).toBe(400);
    const malformed = await admin.request({ method: 'POST', url: '/api/sessions', payload: 'null', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
  });

  it('accepts only a formation of the organisation and an active teacher or admin as trainer (400 on the field)', async () => {
    const tenant = await createTenant(ctx.db);
    const other = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const base = { formation_id: tenant.formation.id, name: 'Essai', start_date: '2026-05-04', end_date: '2026-05-08' };

    for (const formationId of [UNKNOWN_ID, other.formation.id]) {
      const refused = await admin.post('/api/sessions', { ...base, formation_id: formationId });
      expect(refused.statusCode).toBe(400);
      expect(fieldsOf(refused)).toEqual(['body.formation_id']);
      expect((await admin.patch(`/api/sessions/${tenant.session.id}`, { formation_id: formationId })).statusCode).toBe(400);
    }
    const inactiveTeacher = await createStaff(ctx.db, tenant.organization.id, 'teacher');
    await ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', inactiveTeacher.id).execute();
    for (const teacherId of [UNKNOWN_ID, other.teacher.id, tenant.secretary.id, tenant.staff.id, inactiveTeacher.id]) {
      const refused = await admin.post('/api/sessions', { ...base, teacher_id: teacherId }, { 'accept-language': 'en' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details.fields).toEqual([{ field: 'body.teacher_id', message: expect.stringContaining('teacher or admin') }]);
      expect((await admin.patch(`/api/sessions/${tenant.session.id}`, { teacher_id: teacherId })).statusCode).toBe(400);
    }
    expect((await admin.post('/api/sessions', { ...base, teacher_id: tenant.admin.id })).statusCode).toBe(201);
    const unchanged = await ctx.db.selectFrom('sessions').selectAll().where('id', '=', tenant.session.id).executeTakeFirstOrThrow();
    expect(unchanged).toMatchObject({ formation_id: tenant.formation.id, teacher_id: tenant.teacher.id });
  });

  it('refuses to lower the capacity below the enrolled count (409) and to delete a session others depend on (409)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const extra = await ctx.db.insertInto('students')
      .values({ organization_id: tenant.organization.id, first_name: 'Léa', last_name: 'Durand' }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments')
      .values({ organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: extra.id, status: 'pending' }).execute();

    const lowered = await admin.patch(`/api/sessions/${tenant.session.id}`, { capacity_max: 1 }, { 'accept-language': 'en' });
    expect(lowered.statusCode).toBe(409);
    expect(lowered.json().error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('(1 < 2)'), details: { enrolled_count: 2 } });
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ capacity_max: 10, enrolled_count: 2, seats_remaining: 8 });
    expect((await admin.patch(`/api/sessions/${tenant.session.id}`, { capacity_max: 2 })).json().seats_remaining).toBe(0);

    const refused = await admin.delete(`/api/sessions/${tenant.session.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'HAS_DEPENDENTS', details: { dependents: { enrollments: 2, attendance: 1, grades: 1 } } });
    expect(refused.json().error.message).toContain('2 enrollment(s), 1 attendance record(s), 1 grade(s)');

    // Attendance or grades alone are enough to refuse.
    const second = (await admin.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Notée', start_date: '2026-06-01', end_date: '2026-06-01' })).json();
    await ctx.db.insertInto('grades')
      .values({ organization_id: tenant.organization.id, session_id: second.id, student_id: extra.id, subject: 'Quiz', score: '10' }).execute();
    const gradesOnly = await admin.delete(`/api/sessions/${second.id}`);
    expect(gradesOnly.statusCode).toBe(409);
    expect(gradesOnly.json().error.details.dependents).toEqual({ enrollments: 0, attendance: 0, grades: 1 });
    expect((await admin.get('/api/sessions')).json().total).toBe(2);
  });

  it('lets a teacher read only their own sessions, staff read all, and neither write (403); 401 without login', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const others = (await admin.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Autre formateur', start_date: '2026-07-06', end_date: '2026-07-07', teacher_id: tenant.admin.id })).json();

    const teacher = await ctx.login(tenant.teacher);
    expect((await teacher.get('/api/sessions')).json().items.map((s: { id: string }) => s.id)).toEqual([tenant.session.id]);
    expect((await teacher.get(`/api/sessions?teacher_id=${tenant.admin.id}`)).json().total).toBe(0);
    expect((await teacher.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ enrolled_count: 1 });
    expect((await teacher.get(`/api/sessions/${others.id}`)).statusCode).toBe(404);
    expect((await teacher.get(`/api/sessions/${others.id}/slots`)).statusCode).toBe(404);
    expect((await teacher.get(`/api/sessions/${tenant.session.id}/slots`)).json().items.map((slot: { id: string }) => slot.id)).toEqual([tenant.slot.id]);

    const staff = await ctx.login(tenant.staff);
    expect((await staff.get('/api/sessions')).json().total).toBe(2);
    for (const client of [teacher, staff]) {
      const denied = await client.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Non', start_date: '2026-07-06', end_date: '2026-07-07' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`/api/sessions/${tenant.session.id}`, { name: 'Non' })).statusCode).toBe(403);
      expect((await client.delete(`/api/sessions/${others.id}`)).statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/sessions' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'DELETE', url: `/api/sessions/${others.id}` })).statusCode).toBe(401);
    expect((await admin.get(`/api/sessions/${others.id}`)).json().name).toBe('Autre formateur');
  });

  it('keeps organisations apart: another organisation gets 404 and changes nothing', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    expect((await adminB.get('/api/sessions')).json().items.map((s: { id: string }) => s.id)).toEqual([b.session.id]);
    expect((await adminB.get(`/api/sessions?formation_id=${a.formation.id}`)).json().total).toBe(0);
    expect((await adminB.get(`/api/sessions/${a.session.id}`)).statusCode).toBe(404);
    expect((await adminB.get(`/api/sessions/${a.session.id}/slots`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/sessions/${a.session.id}`, { name: 'Piraté', capacity_max: 1 })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/sessions/${a.session.id}`)).statusCode).toBe(404);
    // Nor can B attach its session to A's formation.
    expect((await adminB.patch(`/api/sessions/${b.session.id}`, { formation_id: a.formation.id })).statusCode).toBe(400);
    const untouched = await ctx.db.selectFrom('sessions').selectAll().where('id', '=', a.session.id).executeTakeFirstOrThrow();
    expect(untouched).toMatchObject({ name: a.session.name, capacity_max: 10 });
  });
});
