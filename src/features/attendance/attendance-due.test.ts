import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { withTenant } from '../../db/tenant';
import { nonWorkingDay } from '../../shared/holidays';
import { type ApiClient, describeApi } from '../../../tests/support/api';
import { claimsFor, createOrganization, createStaff, createTenant, uniqueCode } from '../../../tests/support/factories';
import { type ScheduledSlot, readSchedule } from '../../../tests/support/schedule';
import { localDateTime } from './attendance-grid';
import { listAttendanceDue } from './attendance-due.service';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type DueItem = { session_id: string; slot_id: string; date: string; part_of_day: string; start_time: string; unmarked_count: number; enrolled_count: number };

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/**
 * The latest working day (not a weekend, not a French public holiday) at least `daysAgo` days
 * before today in Paris: its slots are all over, and a session's default schedule has them.
 */
function pastWeekday(daysAgo: number): string {
  let date = addDays(localDateTime(new Date(), 'Europe/Paris').slice(0, 10), -daysAgo);
  while (new Date(`${date}T00:00:00Z`).getUTCDay() === 6 || nonWorkingDay('FR', date)) date = addDays(date, -1);
  return date;
}

/** A session of one day through the API, with its default schedule (a morning and an afternoon). */
async function createSession(admin: ApiClient, tenant: Tenant, values: { name: string; date: string; endDate?: string; status?: string; teacherId?: string | null }) {
  const response = await admin.post('/api/sessions', {
    formation_id: tenant.formation.id, name: values.name, start_date: values.date, end_date: values.endDate ?? values.date,
    status: values.status ?? 'planned', teacher_id: values.teacherId === undefined ? tenant.teacher.id : values.teacherId,
  });
  expect(response.statusCode, response.body).toBe(201);
  const session: { id: string } = response.json();
  return { id: session.id, slots: await readSchedule(admin, session.id) };
}

async function enroll(db: Kysely<Database>, tenant: Tenant, sessionId: string, status = 'confirmed') {
  const student = await db.insertInto('students')
    .values({ organization_id: tenant.organization.id, first_name: 'Alex', last_name: 'Dupont', student_number: uniqueCode('STU') })
    .returningAll().executeTakeFirstOrThrow();
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: sessionId, student_id: student.id, status }).execute();
  return student;
}

/** A mark written straight to the table, as the API would not take it for a learner no longer attending. */
async function mark(db: Kysely<Database>, tenant: Tenant, sessionId: string, studentId: string, slot: ScheduledSlot) {
  await db.insertInto('attendance').values({
    organization_id: tenant.organization.id, session_id: sessionId, slot_id: slot.id, student_id: studentId, date: slot.date, status: 'present',
  }).execute();
}

function itemsOf(body: { items: DueItem[] }, sessionId: string) {
  return body.items.filter((item) => item.session_id === sessionId)
    .map(({ date, part_of_day, unmarked_count, enrolled_count }) => ({ date, part_of_day, unmarked_count, enrolled_count }));
}

describeApi('attendance still to mark', (ctx) => {
  it('lists ended slots whose attending learners are not all marked, most recent first', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const day = pastWeekday(2);
    const session = await createSession(admin, tenant, { name: 'Session à pointer', date: day });
    const [morning, afternoon] = [session.slots.at(day, 'morning'), session.slots.at(day, 'afternoon')];
    const [first, second, third] = [await enroll(ctx.db, tenant, session.id), await enroll(ctx.db, tenant, session.id), await enroll(ctx.db, tenant, session.id, 'completed')];
    await enroll(ctx.db, tenant, session.id, 'waitlisted');
    const cancelledLearner = await enroll(ctx.db, tenant, session.id, 'cancelled');
    for (const learner of [first, second, third]) await mark(ctx.db, tenant, session.id, learner.id, morning);
    await mark(ctx.db, tenant, session.id, first.id, afternoon);
    // A mark of someone no longer enrolled does not make up for an attending learner's.
    await mark(ctx.db, tenant, session.id, cancelledLearner.id, afternoon);

    const cancelled = await createSession(admin, tenant, { name: 'Session annulée', date: day, status: 'cancelled' });
    await enroll(ctx.db, tenant, cancelled.id);
    const empty = await createSession(admin, tenant, { name: 'Session sans inscrit', date: day });
    await enroll(ctx.db, tenant, empty.id, 'waitlisted');
    const future = await createSession(admin, tenant, { name: 'Session future', date: '2099-06-01', endDate: '2099-06-05' });
    await enroll(ctx.db, tenant, future.id);
    const old = await createSession(admin, tenant, { name: 'Session ancienne', date: pastWeekday(25) });
    await enroll(ctx.db, tenant, old.id);
    // A slot called off is not due; the session's other slot still is.
    const calledOff = await createSession(admin, tenant, { name: 'Session écourtée', date: day });
    await enroll(ctx.db, tenant, calledOff.id);
    const cancelledSlot = await admin.patch(`/api/sessions/${calledOff.id}/slots/${calledOff.slots.at(day, 'afternoon').id}`, { status: 'cancelled' });
    expect(cancelledSlot.statusCode).toBe(200);

    const response = await admin.get('/api/attendance/due');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.to).toBe(localDateTime(new Date(), 'Europe/Paris').slice(0, 10));
    expect(body.from).toBe(addDays(body.to, -13));
    expect(body.total).toBe(body.items.length);
    expect(itemsOf(body, session.id)).toEqual([{ date: day, part_of_day: 'afternoon', unmarked_count: 2, enrolled_count: 3 }]);
    expect(body.items.find((item: DueItem) => item.session_id === session.id)).toMatchObject({
      slot_id: afternoon.id, session_name: 'Session à pointer', formation_name: 'Formation test', start_time: '13:30', end_time: '17:00',
    });
    for (const hidden of [cancelled, empty, future, old]) expect(itemsOf(body, hidden.id)).toEqual([]);
    expect(itemsOf(body, calledOff.id).map((item) => item.part_of_day)).toEqual(['morning']);
    const moments = body.items.map((item: DueItem) => `${item.date}|${item.start_time}`);
    expect(moments).toEqual([...moments].sort().reverse());

    const longer = (await admin.get('/api/attendance/due?days=40')).json();
    expect(itemsOf(longer, old.id).map((item) => item.part_of_day)).toEqual(['afternoon', 'morning']);
    expect(itemsOf(longer, old.id)[0]).toMatchObject({ unmarked_count: 1, enrolled_count: 1 });

    // Marking the rest takes the slot off the list.
    await mark(ctx.db, tenant, session.id, second.id, afternoon);
    await mark(ctx.db, tenant, session.id, third.id, afternoon);
    expect(itemsOf((await admin.get('/api/attendance/due')).json(), session.id)).toEqual([]);
  });

  it('counts a slot only once it has ended in the organisation’s time zone', async () => {
    const organization = await createOrganization(ctx.db, { timezone: 'Pacific/Auckland' });
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const formation = await ctx.db.insertInto('formations').values({ organization_id: organization.id, code: uniqueCode('FRM'), name: 'Formation NZ' }).returningAll().executeTakeFirstOrThrow();
    const created = await (await ctx.login(admin)).post('/api/sessions', {
      formation_id: formation.id, name: 'Session Auckland', start_date: '2026-03-02', end_date: '2026-03-03',
    });
    expect(created.statusCode).toBe(201);
    const session = created.json();
    const student = await ctx.db.insertInto('students').values({ organization_id: organization.id, first_name: 'Aroha', last_name: 'Ngata' }).returningAll().executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments').values({ organization_id: organization.id, session_id: session.id, student_id: student.id, status: 'confirmed' }).execute();
    const actor = { userId: admin.id, organizationId: organization.id, role: 'admin' as const };
    const due = (now: string) => withTenant(ctx.db, claimsFor(admin), (trx) =>
      listAttendanceDue(trx, actor, { days: 14 }, { timeZone: 'Pacific/Auckland', now: new Date(now) }));
    const moments = (list: { items: { date: string; part_of_day: string }[] }) => list.items.map((item) => `${item.date} ${item.part_of_day}`);

    // 2026-03-03 00:00 UTC is 13:00 on 3 March in Auckland: the morning of the 3rd is over, not its afternoon.
    const atLunch = await due('2026-03-03T00:00:00Z');
    expect(atLunch.to).toBe('2026-03-03');
    expect(moments(atLunch)).toEqual(['2026-03-03 morning', '2026-03-02 afternoon', '2026-03-02 morning']);
    // In UTC it would still be the 2nd at 23:00 and nothing of the 3rd would be due.
    const utc = await withTenant(ctx.db, claimsFor(admin), (trx) =>
      listAttendanceDue(trx, actor, { days: 14 }, { timeZone: 'UTC', now: new Date('2026-03-02T23:00:00Z') }));
    expect(moments(utc)).toEqual(['2026-03-02 afternoon', '2026-03-02 morning']);
    // A one-day window looks at today only.
    const oneDay = await withTenant(ctx.db, claimsFor(admin), (trx) =>
      listAttendanceDue(trx, actor, { days: 1 }, { timeZone: 'Pacific/Auckland', now: new Date('2026-03-03T06:00:00Z') }));
    expect(oneDay).toMatchObject({ from: '2026-03-03', to: '2026-03-03' });
    expect(moments(oneDay)).toEqual(['2026-03-03 afternoon', '2026-03-03 morning']);
  });

  it('shows a teacher only the sessions they train; staff and secretaries see them all', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const otherTeacher = await createStaff(ctx.db, tenant.organization.id, 'teacher');
    const day = pastWeekday(1);
    const mine = await createSession(admin, tenant, { name: 'Session du formateur', date: day });
    const theirs = await createSession(admin, tenant, { name: 'Session d’un collègue', date: day, teacherId: otherTeacher.id });
    const nobody = await createSession(admin, tenant, { name: 'Session sans formateur', date: day, teacherId: null });
    for (const session of [mine, theirs, nobody]) await enroll(ctx.db, tenant, session.id);

    const sessionsSeenBy = async (user: { email: string }) => {
      const body = (await (await ctx.login(user)).get('/api/attendance/due')).json();
      return new Set(body.items.map((item: DueItem) => item.session_id));
    };
    const teacher = await sessionsSeenBy(tenant.teacher);
    expect([teacher.has(mine.id), teacher.has(theirs.id), teacher.has(nobody.id)]).toEqual([true, false, false]);
    const colleague = await sessionsSeenBy(otherTeacher);
    expect([colleague.has(mine.id), colleague.has(theirs.id), colleague.has(nobody.id)]).toEqual([false, true, false]);
    for (const user of [tenant.admin, tenant.secretary, tenant.staff]) {
      const seen = await sessionsSeenBy(user);
      expect([seen.has(mine.id), seen.has(theirs.id), seen.has(nobody.id)]).toEqual([true, true, true]);
    }
  });

  it('keeps organisations apart, through the API and under row-level security', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const day = pastWeekday(1);
    const sessionA = await createSession(await ctx.login(a.admin), a, { name: 'Session de A', date: day });
    await enroll(ctx.db, a, sessionA.id);
    const sessionB = await createSession(await ctx.login(b.admin), b, { name: 'Session de B', date: day });
    await enroll(ctx.db, b, sessionB.id);

    const seenByA = (await (await ctx.login(a.admin)).get('/api/attendance/due')).json();
    expect(seenByA.items.some((item: DueItem) => item.session_id === sessionA.id)).toBe(true);
    for (const user of [b.admin, b.secretary, b.teacher, b.staff]) {
      const body = (await (await ctx.login(user)).get('/api/attendance/due')).json();
      expect(body.items.every((item: DueItem) => item.session_id !== sessionA.id && item.session_id !== a.session.id)).toBe(true);
    }
    // Even asked for A's organisation, B's transaction sees none of A's rows.
    const forged = await withTenant(ctx.db, claimsFor(b.admin), (trx) =>
      listAttendanceDue(trx, { userId: b.admin.id, organizationId: a.organization.id, role: 'admin' }, { days: 14 }, { timeZone: 'Europe/Paris' }));
    expect(forged.items).toEqual([]);
  });

  it('refuses a bad look-back with a 400 naming the field, and an anonymous caller with a 401', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    for (const days of ['0', '91', 'abc', '1.5']) {
      const response = await admin.get(`/api/attendance/due?days=${days}`);
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json().error.details)).toContain('days');
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/attendance/due' })).statusCode).toBe(401);
  });
});
