/**
 * The permission matrix of docs/permissions.md, enforced by RLS itself (straight SQL under the
 * `authenticated` role, no API in between).
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant';
import { describeEachEngine } from '../support/engines';
import { claimsFor, createStaff, createTenant, uniqueCode } from '../support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

type SlotValues = { sessionId: string; date: string; part: 'morning' | 'afternoon' };

describeEachEngine('row-level security by role', (ctx) => {
  let tenant: Tenant;
  let otherSession: { id: string };
  /** The slots marked below: in the teacher's session, and in the other session. */
  let slots: { tuesdayAfternoon: string; thursdayMorning: string; fridayMorning: string; otherMonday: string; otherTuesday: string };

  const addSlot = async ({ sessionId, date, part }: SlotValues) => {
    const [start_time, end_time] = part === 'morning' ? ['09:00', '12:30'] : ['13:30', '17:00'];
    const slot = await ctx.db.insertInto('session_slots')
      .values({ organization_id: tenant.organization.id, session_id: sessionId, date, start_time, end_time, part_of_day: part })
      .returning('id').executeTakeFirstOrThrow();
    return slot.id;
  };

  beforeAll(async () => {
    tenant = await createTenant(ctx.db);
    // A second session of the same organisation, taught by someone else, with its own learner.
    const otherTeacher = await createStaff(ctx.db, tenant.organization.id, 'teacher');
    otherSession = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Autre session',
      start_date: '2026-04-06', end_date: '2026-04-10', teacher_id: otherTeacher.id,
    }).returning('id').executeTakeFirstOrThrow();
    const otherStudent = await ctx.db.insertInto('students').values({
      organization_id: tenant.organization.id, first_name: 'Hugo', last_name: 'Petit',
    }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: otherSession.id, student_id: otherStudent.id }).execute();
    slots = {
      tuesdayAfternoon: await addSlot({ sessionId: tenant.session.id, date: '2026-03-03', part: 'afternoon' }),
      thursdayMorning: await addSlot({ sessionId: tenant.session.id, date: '2026-03-05', part: 'morning' }),
      fridayMorning: await addSlot({ sessionId: tenant.session.id, date: '2026-03-06', part: 'morning' }),
      otherMonday: await addSlot({ sessionId: otherSession.id, date: '2026-04-06', part: 'morning' }),
      otherTuesday: await addSlot({ sessionId: otherSession.id, date: '2026-04-07', part: 'morning' }),
    };
    // The teacher also trains one slot of the other session.
    await ctx.db.insertInto('session_slot_trainers')
      .values({ organization_id: tenant.organization.id, slot_id: slots.otherTuesday, user_id: tenant.teacher.id, role: 'co_trainer' }).execute();
  });

  const as = <T>(user: Tenant['admin'], work: (trx: Kysely<Database>) => Promise<T>) => withTenant(ctx.db, claimsFor(user), work);
  const count = async (trx: Kysely<Database>, table: 'sessions' | 'students' | 'enrollments' | 'session_slots' | 'session_slot_trainers') =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n;

  it('a teacher reads only their own sessions, rosters and learners', async () => {
    const seen = await as(tenant.teacher, async (trx) => ({
      sessions: await count(trx, 'sessions'),
      enrollments: await count(trx, 'enrollments'),
      students: await count(trx, 'students'),
    }));
    expect(seen).toEqual({ sessions: 1, enrollments: 1, students: 1 });
    const staffSees = await as(tenant.staff, async (trx) => ({ sessions: await count(trx, 'sessions'), students: await count(trx, 'students') }));
    expect(staffSees).toEqual({ sessions: 2, students: 2 });
  });

  it('a teacher reads the slots of their own sessions only, even one they train elsewhere; only admin and secretary write them', async () => {
    const seenByTeacher = await as(tenant.teacher, async (trx) => (await trx.selectFrom('session_slots').select('id').orderBy('date').execute()).map((row) => row.id));
    expect(seenByTeacher).toEqual([tenant.slot.id, slots.tuesdayAfternoon, slots.thursdayMorning, slots.fridayMorning]);
    // Who trains what is read by every staff member, the teacher's own assignment elsewhere included.
    expect(await as(tenant.teacher, (trx) => count(trx, 'session_slot_trainers'))).toBe(1);
    expect(await as(tenant.staff, async (trx) => [await count(trx, 'session_slots'), await count(trx, 'session_slot_trainers')])).toEqual([6, 1]);

    const newSlot = (trx: Kysely<Database>) => trx.insertInto('session_slots').values({
      organization_id: tenant.organization.id, session_id: tenant.session.id, date: '2026-03-04', start_time: '18:00', end_time: '21:00', part_of_day: 'evening',
    }).returning('id').executeTakeFirstOrThrow();
    for (const user of [tenant.teacher, tenant.staff]) {
      await expect(as(user, newSlot)).rejects.toMatchObject({ code: '42501' });
      await expect(as(user, (trx) => trx.insertInto('session_slot_trainers').values({
        organization_id: tenant.organization.id, slot_id: tenant.slot.id, user_id: tenant.teacher.id,
      }).execute())).rejects.toMatchObject({ code: '42501' });
      const renamed = await as(user, async (trx) => Number((await trx.updateTable('session_slots').set({ module_title: 'Renommé' }).where('id', '=', tenant.slot.id).executeTakeFirst()).numUpdatedRows));
      expect(renamed).toBe(0);
    }
    for (const user of [tenant.secretary, tenant.admin]) {
      const created = await as(user, newSlot);
      await as(user, (trx) => trx.deleteFrom('session_slots').where('id', '=', created.id).execute());
    }
    const untouched = await ctx.db.selectFrom('session_slots').select('module_title').where('id', '=', tenant.slot.id).executeTakeFirstOrThrow();
    expect(untouched.module_title).toBeNull();
  });

  it('a teacher marks attendance and grades in their own sessions only', async () => {
    await as(tenant.teacher, (trx) => trx.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: tenant.session.id, slot_id: slots.tuesdayAfternoon, student_id: tenant.student.id,
      date: '2026-03-03', status: 'late', late_minutes: 10,
    }).execute());
    await expect(as(tenant.teacher, (trx) => trx.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: otherSession.id, slot_id: slots.otherMonday, student_id: tenant.student.id,
      date: '2026-04-06', status: 'present',
    }).execute())).rejects.toMatchObject({ code: '42501' });
    // Training a slot of another session does not open its attendance to the teacher.
    await expect(as(tenant.teacher, (trx) => trx.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: otherSession.id, slot_id: slots.otherTuesday, student_id: tenant.student.id,
      date: '2026-04-07', status: 'present',
    }).execute())).rejects.toMatchObject({ code: '42501' });
    await as(tenant.teacher, (trx) => trx.insertInto('grades').values({
      organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: tenant.student.id, subject: 'Oral', score: '12',
    }).execute());
  });

  it('a teacher and a staff member cannot write the catalogue, students or enrollments', async () => {
    for (const user of [tenant.teacher, tenant.staff]) {
      await expect(as(user, (trx) => trx.insertInto('programs').values({ organization_id: tenant.organization.id, code: uniqueCode('X'), name: 'x' }).execute()))
        .rejects.toMatchObject({ code: '42501' });
      await expect(as(user, (trx) => trx.insertInto('students').values({ organization_id: tenant.organization.id, first_name: 'x', last_name: 'y' }).execute()))
        .rejects.toMatchObject({ code: '42501' });
      const updated = await as(user, async (trx) => Number((await trx.updateTable('sessions').set({ name: 'Renommée' }).where('id', '=', tenant.session.id).executeTakeFirst()).numUpdatedRows));
      expect(updated).toBe(0);
    }
    await expect(as(tenant.staff, (trx) => trx.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: tenant.session.id, slot_id: slots.fridayMorning, student_id: tenant.student.id, date: '2026-03-06', status: 'present',
    }).execute())).rejects.toMatchObject({ code: '42501' });
  });

  it('only an admin manages staff accounts, and nobody changes their own role', async () => {
    const promoted = await as(tenant.secretary, async (trx) => Number((await trx.updateTable('users').set({ role: 'admin' }).where('id', '=', tenant.staff.id).executeTakeFirst()).numUpdatedRows));
    expect(promoted).toBe(0);
    await expect(as(tenant.admin, (trx) => trx.updateTable('users').set({ role: 'staff' }).where('id', '=', tenant.admin.id).execute()))
      .rejects.toMatchObject({ code: '42501' });
    await as(tenant.admin, (trx) => trx.updateTable('users').set({ role: 'secretary' }).where('id', '=', tenant.staff.id).execute());
    const role = await ctx.db.selectFrom('users').select('role').where('id', '=', tenant.staff.id).executeTakeFirstOrThrow();
    expect(role.role).toBe('secretary');
    await ctx.db.updateTable('users').set({ role: 'staff' }).where('id', '=', tenant.staff.id).execute();
  });

  it('a deactivated account sees nothing at all', async () => {
    const leaver = await createStaff(ctx.db, tenant.organization.id, 'admin');
    await ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', leaver.id).execute();
    const seen = await as(leaver, async (trx) => ({ sessions: await count(trx, 'sessions'), students: await count(trx, 'students') }));
    expect(seen).toEqual({ sessions: 0, students: 0 });
  });

  it('attendance and grade changes are kept in the change log with who made them', async () => {
    const attendance = await as(tenant.teacher, (trx) => trx.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: tenant.session.id, slot_id: slots.thursdayMorning, student_id: tenant.student.id,
      date: '2026-03-05', status: 'absent',
    }).returning('id').executeTakeFirstOrThrow());
    await as(tenant.secretary, (trx) => trx.updateTable('attendance').set({ status: 'excused' }).where('id', '=', attendance.id).execute());
    const history = await as(tenant.admin, (trx) => trx.selectFrom('change_log').select(['operation', 'changed_by', 'old_values', 'new_values'])
      .where('row_id', '=', attendance.id).orderBy('id').execute());
    expect(history.map((entry) => [entry.operation, entry.changed_by])).toEqual([['INSERT', tenant.teacher.id], ['UPDATE', tenant.secretary.id]]);
    expect(history[1]).toMatchObject({ old_values: { status: 'absent' }, new_values: { status: 'excused' } });
    const teacherReadsLog = await as(tenant.teacher, (trx) => trx.selectFrom('change_log').select('id').execute());
    expect(teacherReadsLog).toEqual([]);
  });
});
