import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { withTenant } from '../../db/tenant';
import { describeApi } from '../../../tests/support/api';
import { claimsFor, createStaff, createTenant, uniqueCode } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function enrollStudent(db: Kysely<Database>, tenant: Tenant, lastName: string, status = 'confirmed', sessionId = tenant.session.id) {
  const student = await db.insertInto('students')
    .values({ organization_id: tenant.organization.id, first_name: 'Alex', last_name: lastName, student_number: uniqueCode('STU') })
    .returningAll().executeTakeFirstOrThrow();
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: sessionId, student_id: student.id, status }).execute();
  return student;
}

async function attendanceRows(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('attendance').select(['student_id', 'date', 'slot', 'status', 'late_minutes', 'notes', 'recorded_by'])
    .where('session_id', '=', sessionId).orderBy('student_id').orderBy('date').orderBy('slot').execute();
}

describeApi('attendance API', (ctx) => {
  it('returns the grid of enrolled learners × half-days with minutes, hours and rates', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const second = await enrollStudent(ctx.db, tenant, 'Bernard');
    await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const cancelled = await enrollStudent(ctx.db, tenant, 'Zola', 'cancelled');
    // A learner whose enrollment was cancelled after being marked stays on the sheet.
    await ctx.db.insertInto('attendance').values({ organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: cancelled.id, date: '2026-03-02', slot: 'am', status: 'absent' }).execute();

    const saved = await admin.put(`/api/sessions/${tenant.session.id}/attendance`, {
      entries: [
        { student_id: tenant.student.id, date: '2026-03-02', slot: 'pm', status: 'late', late_minutes: 30, notes: 'Train en retard' },
        { student_id: tenant.student.id, date: '2026-03-03', slot: 'am', status: 'absent' },
        { student_id: tenant.student.id, date: '2026-03-03', slot: 'pm', status: 'excused', notes: 'Certificat médical' },
        { student_id: second.id, date: '2026-03-02', slot: 'am', status: 'present' },
      ],
    });
    expect(saved.statusCode).toBe(200);
    const grid = (await admin.get(`/api/sessions/${tenant.session.id}/attendance`)).json();
    expect(grid).toEqual(saved.json());
    expect(grid.session).toMatchObject({ id: tenant.session.id, start_date: '2026-03-02', end_date: '2026-03-06' });
    // Monday to Friday, two half-days each, all over (the session is in the past).
    expect(grid.half_days).toHaveLength(10);
    expect(grid.half_days[0]).toEqual({ date: '2026-03-02', slot: 'am', start_time: '09:00', end_time: '12:30', minutes: 210, elapsed: true });
    expect(grid.half_days[1]).toMatchObject({ date: '2026-03-02', slot: 'pm', start_time: '13:30', end_time: '17:00' });
    expect(grid.students.map((s: { last_name: string }) => s.last_name)).toEqual(['Bernard', 'Martin', 'Zola']);
    expect(grid.students.map((s: { enrollment_status: string }) => s.enrollment_status)).toEqual(['confirmed', 'confirmed', 'cancelled']);

    const martin = grid.students[1];
    expect(martin.cells).toHaveLength(10);
    expect(martin.cells.slice(0, 5)).toEqual([
      { date: '2026-03-02', slot: 'am', status: 'present', late_minutes: null, notes: null, attended_minutes: 210 },
      { date: '2026-03-02', slot: 'pm', status: 'late', late_minutes: 30, notes: 'Train en retard', attended_minutes: 180 },
      { date: '2026-03-03', slot: 'am', status: 'absent', late_minutes: null, notes: null, attended_minutes: 0 },
      { date: '2026-03-03', slot: 'pm', status: 'excused', late_minutes: null, notes: 'Certificat médical', attended_minutes: 0 },
      { date: '2026-03-04', slot: 'am', status: null, late_minutes: null, notes: null, attended_minutes: 0 },
    ]);
    expect(martin.summary).toEqual({
      planned_half_days: 10, elapsed_half_days: 10, marked_half_days: 4,
      present_count: 1, late_count: 1, excused_absence_count: 1, unexcused_absence_count: 1,
      planned_minutes: 2100, attended_minutes: 390, excused_absence_minutes: 210, unexcused_absence_minutes: 210,
      planned_hours: 35, attended_hours: 6.5, excused_absence_hours: 3.5, unexcused_absence_hours: 3.5,
      attendance_rate_marked: 50, attendance_rate_elapsed: 20,
    });
    expect(grid.students[0].summary).toMatchObject({ attended_minutes: 210, attendance_rate_marked: 100, attendance_rate_elapsed: 10 });
    expect(grid.students[2].summary).toMatchObject({ attended_minutes: 0, unexcused_absence_count: 1, attendance_rate_marked: 0 });
  });

  it('counts nothing as elapsed before a session has happened, and rounds hours to 0.01', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const future = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session future',
      start_date: '2099-06-05', end_date: '2099-06-08', start_time: '09:10', am_end_time: '12:00', pm_start_time: '12:00', end_time: '12:00',
    }).returning('id').executeTakeFirstOrThrow();
    const learner = await enrollStudent(ctx.db, tenant, 'Futur', 'confirmed', future.id);
    const saved = await admin.put(`/api/sessions/${future.id}/attendance`, { entries: [{ student_id: learner.id, date: '2099-06-05', slot: 'am', status: 'late', late_minutes: 7 }] });
    expect(saved.statusCode).toBe(200);
    const grid = saved.json();
    // Friday and Monday (the weekend is skipped); the afternoon has no minutes, so it is no half-day.
    expect(grid.half_days.map((h: { date: string; slot: string }) => `${h.date} ${h.slot}`)).toEqual(['2099-06-05 am', '2099-06-08 am']);
    expect(grid.students[0].summary).toMatchObject({
      planned_minutes: 340, planned_hours: 5.67, attended_minutes: 163, attended_hours: 2.72,
      elapsed_half_days: 0, attendance_rate_marked: 100, attendance_rate_elapsed: null,
    });
  });

  it('refuses invalid entries with the entry index in the field path and writes nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const waitlisted = await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const before = await attendanceRows(ctx.db, tenant.session.id);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const valid = { student_id: tenant.student.id, date: '2026-03-04', slot: 'am', status: 'present' };

    const shape = await admin.put(url, { entries: [valid, { ...valid, slot: 'pm', late_minutes: 10 }, { ...valid, status: 'sleeping' }] }, { 'accept-language': 'en' });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details.fields).toEqual(expect.arrayContaining([
      { field: 'body.entries.1.late_minutes', message: 'Late minutes are only allowed with the status "late".' },
      expect.objectContaining({ field: 'body.entries.2.status' }),
    ]));

    const rules = await admin.put(url, {
      entries: [
        valid,
        { ...valid, student_id: waitlisted.id },
        { ...valid, date: '2026-03-07' },
        { ...valid, date: '2026-03-09' },
        { ...valid, slot: 'pm', status: 'late', late_minutes: 211 },
        valid,
      ],
    });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error.code).toBe('VALIDATION_FAILED');
    expect(rules.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'body.entries.1.student_id', 'body.entries.2.date', 'body.entries.3.date', 'body.entries.4.late_minutes', 'body.entries.5',
    ]);
    // French by default.
    expect(rules.json().error.details.fields[0].message).toMatch(/inscrit/);
    expect((await admin.put(url, { entries: [] })).statusCode).toBe(400);
    expect(await attendanceRows(ctx.db, tenant.session.id)).toEqual(before);
  });

  it('overwrites a mark, records who marked it and keeps the old value in the change log', async () => {
    const tenant = await createTenant(ctx.db);
    const teacher = await ctx.login(tenant.teacher);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const entry = { student_id: tenant.student.id, date: '2026-03-02', slot: 'am', status: 'late', late_minutes: 15 };
    expect((await teacher.put(url, { entries: [entry] })).statusCode).toBe(200);
    const row = await ctx.db.selectFrom('attendance').selectAll().where('id', '=', tenant.attendance.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'late', late_minutes: 15, recorded_by: tenant.teacher.id });
    const history = await ctx.db.selectFrom('change_log').select(['operation', 'old_values', 'new_values', 'changed_by'])
      .where('table_name', '=', 'attendance').where('row_id', '=', tenant.attendance.id).orderBy('id').execute();
    expect(history.map((h) => h.operation)).toEqual(['INSERT', 'UPDATE']);
    expect(history[1]).toMatchObject({ old_values: { status: 'present' }, new_values: { status: 'late', late_minutes: 15 }, changed_by: tenant.teacher.id });
    // Saving the same mark again is not a change.
    expect((await teacher.put(url, { entries: [entry] })).statusCode).toBe(200);
    expect(await ctx.db.selectFrom('change_log').select('id').where('row_id', '=', tenant.attendance.id).execute()).toHaveLength(2);
  });

  it('takes a mark away with status null: the half-day is unmarked again and the change log keeps what it was', async () => {
    const tenant = await createTenant(ctx.db);
    const teacher = await ctx.login(tenant.teacher);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const marked = { student_id: tenant.student.id, date: '2026-03-02', slot: 'am' };
    const cellOf = (grid: { students: { student_id: string; cells: { date: string; slot: string; status: string | null }[] }[] }, date: string, slot: string) =>
      grid.students.find((student) => student.student_id === tenant.student.id)!.cells.find((cell) => cell.date === date && cell.slot === slot)!;

    // A note needs a mark: refused, nothing changes.
    const withNote = await teacher.put(url, { entries: [{ ...marked, status: null, notes: 'parti tôt' }] }, { 'accept-language': 'en' });
    expect(withNote.statusCode).toBe(400);
    expect(withNote.json().error.details.fields).toEqual([
      { field: 'body.entries.0.notes', message: 'A note goes with a mark (present, absent, late or excused), not with an unmarked half-day.' },
    ]);
    expect(await ctx.db.selectFrom('attendance').select('id').where('id', '=', tenant.attendance.id).execute()).toHaveLength(1);

    // One request can take a mark away and give another.
    const cleared = await teacher.put(url, { entries: [{ ...marked, status: null }, { ...marked, slot: 'pm', status: 'absent' }] });
    expect(cleared.statusCode).toBe(200);
    expect(cellOf(cleared.json(), '2026-03-02', 'am')).toMatchObject({ status: null });
    expect(cellOf(cleared.json(), '2026-03-02', 'pm')).toMatchObject({ status: 'absent' });
    expect(await ctx.db.selectFrom('attendance').select('id').where('id', '=', tenant.attendance.id).execute()).toEqual([]);
    const history = await ctx.db.selectFrom('change_log').select(['operation', 'old_values', 'changed_by'])
      .where('table_name', '=', 'attendance').where('row_id', '=', tenant.attendance.id).orderBy('id').execute();
    expect(history.map((entry) => entry.operation)).toEqual(['INSERT', 'DELETE']);
    expect(history[1]).toMatchObject({ old_values: { status: 'present' }, changed_by: tenant.teacher.id });

    // Taking away a mark that is not there changes nothing, and is allowed for a learner no longer enrolled.
    const waitlisted = await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const logged = await ctx.db.selectFrom('change_log').select('id').where('table_name', '=', 'attendance').execute();
    const again = await teacher.put(url, { entries: [{ ...marked, status: null }, { ...marked, student_id: waitlisted.id, status: null }] });
    expect(again.statusCode).toBe(200);
    expect(await ctx.db.selectFrom('change_log').select('id').where('table_name', '=', 'attendance').execute()).toHaveLength(logged.length);
  });

  it('marks a whole half-day present, keeping existing marks unless told to overwrite', async () => {
    const tenant = await createTenant(ctx.db);
    const secretary = await ctx.login(tenant.secretary);
    const second = await enrollStudent(ctx.db, tenant, 'Bernard');
    await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    expect((await secretary.put(url, { entries: [{ student_id: second.id, date: '2026-03-02', slot: 'am', status: 'absent' }] })).statusCode).toBe(200);

    const statusesAt = (response: { json(): { students: Array<{ cells: Array<{ status: string | null }> }> } }, index: number) =>
      response.json().students.map((student) => student.cells[index]?.status);

    const kept = await secretary.post(`${url}/bulk`, { date: '2026-03-02', slot: 'am' });
    expect(kept.statusCode).toBe(200);
    expect(statusesAt(kept, 0)).toEqual(['absent', 'present']);
    const overwritten = await secretary.post(`${url}/bulk`, { date: '2026-03-02', slot: 'am', overwrite: true });
    expect(statusesAt(overwritten, 0)).toEqual(['present', 'present']);
    const afternoon = await secretary.post(`${url}/bulk`, { date: '2026-03-02', slot: 'pm' });
    expect(statusesAt(afternoon, 1)).toEqual(['present', 'present']);
    expect(await ctx.db.selectFrom('attendance').select('id').where('session_id', '=', tenant.session.id).execute()).toHaveLength(4);

    const outside = await secretary.post(`${url}/bulk`, { date: '2026-03-08', slot: 'am' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details.fields[0].field).toBe('body.date');
  });

  it('lets the session’s teacher, secretary and admin write, staff only read, and hides the session from other teachers', async () => {
    const tenant = await createTenant(ctx.db);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const entries = [{ student_id: tenant.student.id, date: '2026-03-05', slot: 'pm', status: 'present' }];
    for (const user of [tenant.teacher, tenant.secretary, tenant.admin]) {
      const client = await ctx.login(user);
      expect((await client.put(url, { entries })).statusCode).toBe(200);
      expect((await client.get(url)).statusCode).toBe(200);
    }
    const staff = await ctx.login(tenant.staff);
    expect((await staff.get(url)).json().students).toHaveLength(1);
    const denied = await staff.put(url, { entries });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect((await staff.post(`${url}/bulk`, { date: '2026-03-05', slot: 'am' })).statusCode).toBe(403);

    const otherTeacher = await ctx.login(await createStaff(ctx.db, tenant.organization.id, 'teacher'));
    expect((await otherTeacher.get(url)).statusCode).toBe(404);
    expect((await otherTeacher.put(url, { entries: [{ ...entries[0], status: 'absent' }] })).statusCode).toBe(404);
    expect((await otherTeacher.post(`${url}/bulk`, { date: '2026-03-05', slot: 'am' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await ctx.db.selectFrom('attendance').select('status').where('date', '=', '2026-03-05').where('session_id', '=', tenant.session.id).executeTakeFirstOrThrow()).status).toBe('present');
  });

  it('refuses attendance on a cancelled session with 409', async () => {
    const tenant = await createTenant(ctx.db);
    await ctx.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', tenant.session.id).execute();
    const admin = await ctx.login(tenant.admin);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const refused = await admin.put(url, { entries: [{ student_id: tenant.student.id, date: '2026-03-02', slot: 'am', status: 'absent' }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('SESSION_CANCELLED');
    expect((await admin.post(`${url}/bulk`, { date: '2026-03-02', slot: 'pm' })).statusCode).toBe(409);
    expect((await admin.get(url)).statusCode).toBe(200);
    expect((await attendanceRows(ctx.db, tenant.session.id)).map((r) => r.status)).toEqual(['present']);
  });

  it('keeps organisations apart: another organisation can neither read nor mark the attendance', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const before = await attendanceRows(ctx.db, a.session.id);
    const url = `/api/sessions/${a.session.id}/attendance`;
    for (const user of [b.admin, b.secretary, b.teacher, b.staff]) {
      const client = await ctx.login(user);
      expect((await client.get(url)).statusCode).toBe(404);
    }
    const adminB = await ctx.login(b.admin);
    expect((await adminB.put(url, { entries: [{ student_id: a.student.id, date: '2026-03-02', slot: 'am', status: 'absent' }] })).statusCode).toBe(404);
    expect((await adminB.post(`${url}/bulk`, { date: '2026-03-02', slot: 'am', overwrite: true })).statusCode).toBe(404);
    // Nor through B's own session, pointing at A's learner.
    const crossed = await adminB.put(`/api/sessions/${b.session.id}/attendance`, { entries: [{ student_id: a.student.id, date: '2026-03-02', slot: 'pm', status: 'present' }] });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.details.fields[0].field).toBe('body.entries.0.student_id');
    expect(await attendanceRows(ctx.db, a.session.id)).toEqual(before);
    expect(await ctx.db.selectFrom('attendance').select('id').where('student_id', '=', a.student.id).execute()).toHaveLength(1);
  });

  it('keeps organisations apart under row-level security too, whatever the query', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    await withTenant(ctx.db, claimsFor(b.admin), async (trx) => {
      expect(await trx.selectFrom('attendance').select('id').where('session_id', '=', a.session.id).execute()).toEqual([]);
      expect(await trx.selectFrom('grades').select('id').where('session_id', '=', a.session.id).execute()).toEqual([]);
      const attendance = await trx.updateTable('attendance').set({ status: 'absent' }).where('id', '=', a.attendance.id).executeTakeFirst();
      const grades = await trx.deleteFrom('grades').where('id', '=', a.grade.id).executeTakeFirst();
      expect([Number(attendance.numUpdatedRows), Number(grades.numDeletedRows)]).toEqual([0, 0]);
    });
    const forged = withTenant(ctx.db, claimsFor(b.admin), (trx) => trx.insertInto('attendance')
      .values({ organization_id: a.organization.id, session_id: a.session.id, student_id: a.student.id, date: '2026-03-02', slot: 'pm', status: 'present' }).execute());
    await expect(forged).rejects.toThrow(/row-level security/);
    expect((await attendanceRows(ctx.db, a.session.id)).map((row) => row.status)).toEqual(['present']);
    expect(await ctx.db.selectFrom('grades').select('id').where('id', '=', a.grade.id).execute()).toHaveLength(1);
  });
});
