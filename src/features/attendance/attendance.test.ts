import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { withTenant } from '../../db/tenant';
import { describeApi } from '../../../tests/support/api';
import { claimsFor, createStaff, createTenant, uniqueCode } from '../../../tests/support/factories';
import { fillSchedule } from '../../../tests/support/schedule';
import { localDateTime } from './attendance-grid';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

async function enrollStudent(db: Kysely<Database>, tenant: Tenant, lastName: string, status = 'confirmed', sessionId = tenant.session.id) {
  const student = await db.insertInto('students')
    .values({ organization_id: tenant.organization.id, first_name: 'Alex', last_name: lastName, student_number: uniqueCode('STU') })
    .returningAll().executeTakeFirstOrThrow();
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: sessionId, student_id: student.id, status }).execute();
  return student;
}

async function attendanceRows(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('attendance').select(['student_id', 'slot_id', 'date', 'status', 'late_minutes', 'notes', 'recorded_by'])
    .where('session_id', '=', sessionId).orderBy('student_id').orderBy('date').orderBy('slot_id').execute();
}

describeApi('attendance API', (ctx) => {
  it('returns the grid of enrolled learners × slots with minutes, hours and rates', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const slots = await fillSchedule(admin, tenant.session.id);
    const second = await enrollStudent(ctx.db, tenant, 'Bernard');
    await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const cancelled = await enrollStudent(ctx.db, tenant, 'Zola', 'cancelled');
    // A learner whose enrollment was cancelled after being marked stays on the sheet.
    await ctx.db.insertInto('attendance').values({ organization_id: tenant.organization.id, session_id: tenant.session.id, slot_id: tenant.slot.id, student_id: cancelled.id, date: '2026-03-02', status: 'absent' }).execute();

    const saved = await admin.put(`/api/sessions/${tenant.session.id}/attendance`, {
      entries: [
        { student_id: tenant.student.id, slot_id: slots.at('2026-03-02', 'afternoon').id, status: 'late', late_minutes: 30, notes: 'Train en retard' },
        { student_id: tenant.student.id, slot_id: slots.at('2026-03-03', 'morning').id, status: 'absent' },
        { student_id: tenant.student.id, slot_id: slots.at('2026-03-03', 'afternoon').id, status: 'excused', notes: 'Certificat médical' },
        { student_id: second.id, slot_id: tenant.slot.id, status: 'present' },
      ],
    });
    expect(saved.statusCode).toBe(200);
    const grid = (await admin.get(`/api/sessions/${tenant.session.id}/attendance`)).json();
    expect(grid).toEqual(saved.json());
    expect(grid.session).toMatchObject({ id: tenant.session.id, start_date: '2026-03-02', end_date: '2026-03-06' });
    // Monday to Friday, a morning and an afternoon each, all over (the session is in the past).
    expect(grid.slots).toHaveLength(10);
    expect(grid.slots.map((slot: { id: string }) => slot.id)).toEqual(slots.items.map((slot) => slot.id));
    expect(grid.slots[0]).toEqual({
      id: tenant.slot.id, date: '2026-03-02', part_of_day: 'morning', start_time: '09:00', end_time: '12:30', minutes: 210,
      module_title: null, started: true, elapsed: true,
    });
    expect(grid.slots[1]).toMatchObject({ date: '2026-03-02', part_of_day: 'afternoon', start_time: '13:30', end_time: '17:00' });
    expect(grid.students.map((s: { last_name: string }) => s.last_name)).toEqual(['Bernard', 'Martin', 'Zola']);
    expect(grid.students.map((s: { enrollment_status: string }) => s.enrollment_status)).toEqual(['confirmed', 'confirmed', 'cancelled']);

    const martin = grid.students[1];
    expect(martin.cells).toHaveLength(10);
    expect(martin.cells.slice(0, 5)).toEqual([
      { slot_id: tenant.slot.id, status: 'present', late_minutes: null, notes: null, attended_minutes: 210 },
      { slot_id: slots.at('2026-03-02', 'afternoon').id, status: 'late', late_minutes: 30, notes: 'Train en retard', attended_minutes: 180 },
      { slot_id: slots.at('2026-03-03', 'morning').id, status: 'absent', late_minutes: null, notes: null, attended_minutes: 0 },
      { slot_id: slots.at('2026-03-03', 'afternoon').id, status: 'excused', late_minutes: null, notes: 'Certificat médical', attended_minutes: 0 },
      { slot_id: slots.at('2026-03-04', 'morning').id, status: null, late_minutes: null, notes: null, attended_minutes: 0 },
    ]);
    expect(martin.summary).toEqual({
      planned_slots: 10, elapsed_slots: 10, marked_slots: 4,
      present_count: 1, late_count: 1, excused_absence_count: 1, unexcused_absence_count: 1,
      planned_minutes: 2100, elapsed_minutes: 2100, attended_minutes: 390, excused_absence_minutes: 210, unexcused_absence_minutes: 210,
      planned_hours: 35, attended_hours: 6.5, excused_absence_hours: 3.5, unexcused_absence_hours: 3.5,
      attendance_rate_marked: 50, attendance_rate_elapsed: 20, attended_minutes_rate: 18.57,
    });
    expect(grid.students[0].summary).toMatchObject({ attended_minutes: 210, attendance_rate_marked: 100, attendance_rate_elapsed: 10, attended_minutes_rate: 10 });
    expect(grid.students[2].summary).toMatchObject({ attended_minutes: 0, unexcused_absence_count: 1, attendance_rate_marked: 0, attended_minutes_rate: 0 });
  });

  it('counts nothing as elapsed before a session has happened, and rounds hours to 0.01', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    // Mornings only, 09:10–12:00 (170 minutes), on a Friday and the Monday after.
    const created = await admin.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Session future', start_date: '2099-06-05', end_date: '2099-06-08',
      schedule: { parts: [{ part_of_day: 'morning', start_time: '09:10', end_time: '12:00' }] },
    });
    expect(created.statusCode).toBe(201);
    const future = created.json();
    const learner = await enrollStudent(ctx.db, tenant, 'Futur', 'confirmed', future.id);
    const grid = (await admin.get(`/api/sessions/${future.id}/attendance`)).json();
    // The weekend is skipped; the afternoon is not part of the pattern, so it is no slot.
    expect(grid.slots.map((slot: { date: string; part_of_day: string }) => `${slot.date} ${slot.part_of_day}`)).toEqual(['2099-06-05 morning', '2099-06-08 morning']);
    expect(grid.slots.map((slot: { started: boolean; elapsed: boolean }) => [slot.started, slot.elapsed])).toEqual([[false, false], [false, false]]);
    // The API takes no mark before a slot starts (see below); a mark already there is counted all the same.
    await ctx.db.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: future.id, slot_id: grid.slots[0].id, student_id: learner.id,
      date: '2099-06-05', status: 'late', late_minutes: 7,
    }).execute();
    const marked = (await admin.get(`/api/sessions/${future.id}/attendance`)).json();
    expect(marked.students[0].summary).toMatchObject({
      planned_minutes: 340, planned_hours: 5.67, attended_minutes: 163, attended_hours: 2.72,
      elapsed_slots: 0, elapsed_minutes: 0, attendance_rate_marked: 100, attendance_rate_elapsed: null, attended_minutes_rate: 47.94,
    });
  });

  it('refuses a mark on a slot that has not started yet with 409 SLOT_NOT_STARTED, and writes nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const secretary = await ctx.login(tenant.secretary);
    const today = localDateTime(new Date(), 'Europe/Paris').slice(0, 10);
    const [lastWeek, nextWeek] = [addDays(today, -7), addDays(today, 7)];
    const running = (await secretary.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Session en cours', start_date: lastWeek, end_date: nextWeek, schedule: null,
    })).json();
    const learner = await enrollStudent(ctx.db, tenant, 'Encours', 'confirmed', running.id);
    const slotAt = async (date: string) => {
      const response = await secretary.post(`/api/sessions/${running.id}/slots`, { date, start_time: '09:00', end_time: '12:30' });
      expect(response.statusCode).toBe(201);
      return response.json().id as string;
    };
    const [held, coming] = [await slotAt(lastWeek), await slotAt(nextWeek)];
    const url = `/api/sessions/${running.id}/attendance`;

    const refused = await secretary.put(url, { entries: [{ student_id: learner.id, slot_id: coming, status: 'present' }] }, { 'accept-language': 'en' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'SLOT_NOT_STARTED', message: 'This slot has not started yet: its attendance cannot be recorded yet.',
      details: { slot_id: coming, date: nextWeek, start_time: '09:00' },
    });
    const bulk = await secretary.post(`${url}/bulk`, { slot_id: coming });
    expect(bulk.statusCode).toBe(409);
    expect(bulk.json().error.code).toBe('SLOT_NOT_STARTED');
    // All or none: the mark on the slot already held does not go through beside it.
    const mixed = await secretary.put(url, { entries: [{ student_id: learner.id, slot_id: held, status: 'absent' }, { student_id: learner.id, slot_id: coming, status: 'present' }] });
    expect(mixed.statusCode).toBe(409);
    expect(await attendanceRows(ctx.db, running.id)).toEqual([]);
    // Taking away a mark that is not there gives no mark: allowed.
    expect((await secretary.put(url, { entries: [{ student_id: learner.id, slot_id: coming, status: null }] })).statusCode).toBe(200);

    const accepted = await secretary.put(url, { entries: [{ student_id: learner.id, slot_id: held, status: 'absent' }] });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().slots.map((slot: { started: boolean; elapsed: boolean }) => [slot.started, slot.elapsed])).toEqual([[true, true], [false, false]]);
    expect((await attendanceRows(ctx.db, running.id)).map((row) => [row.slot_id, row.status])).toEqual([[held, 'absent']]);
  });

  it('refuses a mark on a cancelled slot with 409 SLOT_CANCELLED and leaves it out of the grid and the planned minutes', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const slots = await fillSchedule(admin, tenant.session.id);
    const friday = slots.at('2026-03-06', 'afternoon');
    const cancelled = await admin.patch(`/api/sessions/${tenant.session.id}/slots/${friday.id}`, { status: 'cancelled', cancellation_reason: 'Formateur absent' });
    expect(cancelled.statusCode).toBe(200);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const before = await attendanceRows(ctx.db, tenant.session.id);

    const refused = await admin.put(url, { entries: [{ student_id: tenant.student.id, slot_id: friday.id, status: 'present' }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'SLOT_CANCELLED', details: { slot_id: friday.id } });
    const bulk = await admin.post(`${url}/bulk`, { slot_id: friday.id, overwrite: true });
    expect(bulk.statusCode).toBe(409);
    expect(bulk.json().error.code).toBe('SLOT_CANCELLED');
    expect(await attendanceRows(ctx.db, tenant.session.id)).toEqual(before);

    const grid = (await admin.get(url)).json();
    expect(grid.slots).toHaveLength(9);
    expect(grid.slots.map((slot: { id: string }) => slot.id)).not.toContain(friday.id);
    expect(grid.students[0].cells.map((cell: { slot_id: string }) => cell.slot_id)).not.toContain(friday.id);
    expect(grid.students[0].summary).toMatchObject({ planned_slots: 9, planned_minutes: 1890, elapsed_minutes: 1890, attended_minutes: 210, attended_minutes_rate: 11.11 });
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ slot_count: 10, planned_minutes: 1890 });
  });

  it('refuses invalid entries with the entry index in the field path and writes nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const slots = await fillSchedule(admin, tenant.session.id);
    const waitlisted = await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const otherSession = (await admin.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Autre', start_date: '2026-03-09', end_date: '2026-03-09' })).json();
    const otherSlot = (await fillSchedule(admin, otherSession.id)).at('2026-03-09', 'morning');
    const before = await attendanceRows(ctx.db, tenant.session.id);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const valid = { student_id: tenant.student.id, slot_id: slots.at('2026-03-04', 'morning').id, status: 'present' };
    const afternoon = slots.at('2026-03-04', 'afternoon').id;

    const shape = await admin.put(url, { entries: [valid, { ...valid, slot_id: afternoon, late_minutes: 10 }, { ...valid, status: 'sleeping' }, { ...valid, slot_id: 'am' }] }, { 'accept-language': 'en' });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details.fields).toEqual(expect.arrayContaining([
      { field: 'body.entries.1.late_minutes', message: 'Late minutes are only allowed with the status "late".' },
      expect.objectContaining({ field: 'body.entries.2.status' }),
      expect.objectContaining({ field: 'body.entries.3.slot_id' }),
    ]));

    const rules = await admin.put(url, {
      entries: [
        valid,
        { ...valid, student_id: waitlisted.id },
        // Another session's slot, and no slot at all.
        { ...valid, slot_id: otherSlot.id },
        { ...valid, slot_id: UNKNOWN_ID },
        // Late for longer than the slot (210 minutes).
        { ...valid, slot_id: afternoon, status: 'late', late_minutes: 211 },
        valid,
      ],
    });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error.code).toBe('VALIDATION_FAILED');
    expect(rules.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'body.entries.1.student_id', 'body.entries.2.slot_id', 'body.entries.3.slot_id', 'body.entries.4.late_minutes', 'body.entries.5',
    ]);
    // French by default.
    expect(rules.json().error.details.fields[0].message).toMatch(/inscrit/);
    expect(rules.json().error.details.fields[3].message).toMatch(/créneau/);
    expect((await admin.put(url, { entries: [] })).statusCode).toBe(400);
    expect(await attendanceRows(ctx.db, tenant.session.id)).toEqual(before);
    expect(await attendanceRows(ctx.db, otherSession.id)).toEqual([]);
  });

  it('overwrites a mark, records who marked it and keeps the old value in the change log', async () => {
    const tenant = await createTenant(ctx.db);
    const teacher = await ctx.login(tenant.teacher);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const entry = { student_id: tenant.student.id, slot_id: tenant.slot.id, status: 'late', late_minutes: 15 };
    expect((await teacher.put(url, { entries: [entry] })).statusCode).toBe(200);
    const row = await ctx.db.selectFrom('attendance').selectAll().where('id', '=', tenant.attendance.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ slot_id: tenant.slot.id, date: '2026-03-02', status: 'late', late_minutes: 15, recorded_by: tenant.teacher.id });
    const history = await ctx.db.selectFrom('change_log').select(['operation', 'old_values', 'new_values', 'changed_by'])
      .where('table_name', '=', 'attendance').where('row_id', '=', tenant.attendance.id).orderBy('id').execute();
    expect(history.map((h) => h.operation)).toEqual(['INSERT', 'UPDATE']);
    expect(history[1]).toMatchObject({ old_values: { status: 'present' }, new_values: { status: 'late', late_minutes: 15 }, changed_by: tenant.teacher.id });
    // Saving the same mark again is not a change.
    expect((await teacher.put(url, { entries: [entry] })).statusCode).toBe(200);
    expect(await ctx.db.selectFrom('change_log').select('id').where('row_id', '=', tenant.attendance.id).execute()).toHaveLength(2);
  });

  it('takes a mark away with status null: the slot is unmarked again and the change log keeps what it was', async () => {
    const tenant = await createTenant(ctx.db);
    const slots = await fillSchedule(await ctx.login(tenant.admin), tenant.session.id);
    const teacher = await ctx.login(tenant.teacher);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const afternoon = slots.at('2026-03-02', 'afternoon').id;
    const marked = { student_id: tenant.student.id, slot_id: tenant.slot.id };
    const cellOf = (grid: { students: { student_id: string; cells: { slot_id: string; status: string | null }[] }[] }, slotId: string) =>
      grid.students.find((student) => student.student_id === tenant.student.id)!.cells.find((cell) => cell.slot_id === slotId)!;

    // A note needs a mark: refused, nothing changes.
    const withNote = await teacher.put(url, { entries: [{ ...marked, status: null, notes: 'parti tôt' }] }, { 'accept-language': 'en' });
    expect(withNote.statusCode).toBe(400);
    expect(withNote.json().error.details.fields).toEqual([
      { field: 'body.entries.0.notes', message: 'A note goes with a mark (present, absent, late or excused), not with an unmarked slot.' },
    ]);
    expect(await ctx.db.selectFrom('attendance').select('id').where('id', '=', tenant.attendance.id).execute()).toHaveLength(1);

    // One request can take a mark away and give another.
    const cleared = await teacher.put(url, { entries: [{ ...marked, status: null }, { ...marked, slot_id: afternoon, status: 'absent' }] });
    expect(cleared.statusCode).toBe(200);
    expect(cellOf(cleared.json(), tenant.slot.id)).toMatchObject({ status: null });
    expect(cellOf(cleared.json(), afternoon)).toMatchObject({ status: 'absent' });
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

  it('marks a whole slot present, keeping existing marks unless told to overwrite', async () => {
    const tenant = await createTenant(ctx.db);
    const secretary = await ctx.login(tenant.secretary);
    const slots = await fillSchedule(secretary, tenant.session.id);
    const second = await enrollStudent(ctx.db, tenant, 'Bernard');
    await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    expect((await secretary.put(url, { entries: [{ student_id: second.id, slot_id: tenant.slot.id, status: 'absent' }] })).statusCode).toBe(200);

    const statusesAt = (response: { json(): { students: Array<{ cells: Array<{ status: string | null }> }> } }, index: number) =>
      response.json().students.map((student) => student.cells[index]?.status);

    const kept = await secretary.post(`${url}/bulk`, { slot_id: tenant.slot.id });
    expect(kept.statusCode).toBe(200);
    expect(statusesAt(kept, 0)).toEqual(['absent', 'present']);
    const overwritten = await secretary.post(`${url}/bulk`, { slot_id: tenant.slot.id, overwrite: true });
    expect(statusesAt(overwritten, 0)).toEqual(['present', 'present']);
    const afternoon = await secretary.post(`${url}/bulk`, { slot_id: slots.at('2026-03-02', 'afternoon').id });
    expect(statusesAt(afternoon, 1)).toEqual(['present', 'present']);
    expect(await ctx.db.selectFrom('attendance').select('id').where('session_id', '=', tenant.session.id).execute()).toHaveLength(4);

    const outside = await secretary.post(`${url}/bulk`, { slot_id: UNKNOWN_ID });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details.fields[0].field).toBe('body.slot_id');
  });

  it('lets the session’s teacher, secretary and admin write, staff only read, and hides the session from other teachers', async () => {
    const tenant = await createTenant(ctx.db);
    const slots = await fillSchedule(await ctx.login(tenant.admin), tenant.session.id);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const thursday = { morning: slots.at('2026-03-05', 'morning').id, afternoon: slots.at('2026-03-05', 'afternoon').id };
    const entries = [{ student_id: tenant.student.id, slot_id: thursday.afternoon, status: 'present' }];
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
    expect((await staff.post(`${url}/bulk`, { slot_id: thursday.morning })).statusCode).toBe(403);

    const otherTeacher = await ctx.login(await createStaff(ctx.db, tenant.organization.id, 'teacher'));
    expect((await otherTeacher.get(url)).statusCode).toBe(404);
    expect((await otherTeacher.put(url, { entries: [{ ...entries[0], status: 'absent' }] })).statusCode).toBe(404);
    expect((await otherTeacher.post(`${url}/bulk`, { slot_id: thursday.morning })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const thursdayMarks = await ctx.db.selectFrom('attendance').select(['slot_id', 'status'])
      .where('date', '=', '2026-03-05').where('session_id', '=', tenant.session.id).execute();
    expect(thursdayMarks).toEqual([{ slot_id: thursday.afternoon, status: 'present' }]);
  });

  it('refuses attendance on a cancelled session with 409', async () => {
    const tenant = await createTenant(ctx.db);
    await ctx.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', tenant.session.id).execute();
    const admin = await ctx.login(tenant.admin);
    const url = `/api/sessions/${tenant.session.id}/attendance`;
    const refused = await admin.put(url, { entries: [{ student_id: tenant.student.id, slot_id: tenant.slot.id, status: 'absent' }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('SESSION_CANCELLED');
    expect((await admin.post(`${url}/bulk`, { slot_id: tenant.slot.id, overwrite: true })).statusCode).toBe(409);
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
    expect((await adminB.put(url, { entries: [{ student_id: a.student.id, slot_id: a.slot.id, status: 'absent' }] })).statusCode).toBe(404);
    expect((await adminB.post(`${url}/bulk`, { slot_id: a.slot.id, overwrite: true })).statusCode).toBe(404);
    // Nor through B's own session, pointing at A's learner or at A's slot.
    const bUrl = `/api/sessions/${b.session.id}/attendance`;
    const crossedLearner = await adminB.put(bUrl, { entries: [{ student_id: a.student.id, slot_id: b.slot.id, status: 'present' }] });
    expect(crossedLearner.statusCode).toBe(400);
    expect(crossedLearner.json().error.details.fields[0].field).toBe('body.entries.0.student_id');
    const crossedSlot = await adminB.put(bUrl, { entries: [{ student_id: b.student.id, slot_id: a.slot.id, status: 'absent' }] });
    expect(crossedSlot.statusCode).toBe(400);
    expect(crossedSlot.json().error.details.fields[0].field).toBe('body.entries.0.slot_id');
    const crossedBulk = await adminB.post(`${bUrl}/bulk`, { slot_id: a.slot.id, status: 'absent', overwrite: true });
    expect(crossedBulk.statusCode).toBe(400);
    expect(await attendanceRows(ctx.db, a.session.id)).toEqual(before);
    expect(await ctx.db.selectFrom('attendance').select('id').where('student_id', '=', a.student.id).execute()).toHaveLength(1);
    expect(await ctx.db.selectFrom('attendance').select('id').where('slot_id', '=', a.slot.id).execute()).toHaveLength(1);
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
      .values({ organization_id: a.organization.id, session_id: a.session.id, slot_id: a.slot.id, student_id: a.student.id, date: '2026-03-02', status: 'present' }).execute());
    await expect(forged).rejects.toThrow(/row-level security/);
    expect((await attendanceRows(ctx.db, a.session.id)).map((row) => row.status)).toEqual(['present']);
    expect(await ctx.db.selectFrom('grades').select('id').where('id', '=', a.grade.id).execute()).toHaveLength(1);
  });
});
