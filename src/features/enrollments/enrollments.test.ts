import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function addSession(db: Kysely<Database>, tenant: Tenant, overrides: { capacity_max?: number | null; status?: string } = {}) {
  return db.insertInto('sessions').values({
    organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session Printemps',
    start_date: '2026-04-06', end_date: '2026-04-10', teacher_id: tenant.teacher.id, capacity_max: 5, ...overrides,
  }).returningAll().executeTakeFirstOrThrow();
}

async function addStudent(db: Kysely<Database>, tenant: Tenant, lastName = 'Bernard') {
  return db.insertInto('students').values({ organization_id: tenant.organization.id, first_name: 'Louise', last_name: lastName })
    .returningAll().executeTakeFirstOrThrow();
}

describeApi('enrollments API', (ctx) => {
  it('enrolls, reads, updates payment and notes, cancels and deletes an enrollment', async () => {
    const tenant = await createTenant(ctx.db);
    const session = await addSession(ctx.db, tenant);
    const student = await addStudent(ctx.db, tenant);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/enrollments', {
      session_id: session.id, student_id: student.id, learner_category: 'salarié', funding_scheme: 'CPF',
      amount_due: '1200.50', amount_paid: 200, enrollment_date: '2026-03-01', notes: ' Besoin d’un ordinateur ',
    });
    expect(created.statusCode).toBe(201);
    const enrollment = created.json();
    expect(enrollment).toMatchObject({
      session_id: session.id, student_id: student.id, status: 'confirmed', waitlist_position: null,
      learner_category: 'salarié', funding_scheme: 'CPF', amount_due: '1200.50', amount_paid: '200.00',
      payment_status: 'pending', enrollment_date: '2026-03-01', cancelled_at: null, notes: 'Besoin d’un ordinateur',
    });
    expect((await admin.get(`/api/enrollments/${enrollment.id}`)).json()).toEqual(enrollment);

    const paid = await admin.patch(`/api/enrollments/${enrollment.id}`, { payment_status: 'paid', amount_paid: '1200,50', notes: null });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ payment_status: 'paid', amount_paid: '1200.50', notes: null, status: 'confirmed', promoted: [] });
    expect((await admin.patch(`/api/enrollments/${enrollment.id}`, {})).json().payment_status).toBe('paid');

    const pending = await admin.post('/api/enrollments', { session_id: session.id, student_id: (await addStudent(ctx.db, tenant, 'Garnier')).id, status: 'pending' });
    expect(pending.json().status).toBe('pending');

    const cancelled = await admin.patch(`/api/enrollments/${enrollment.id}`, { status: 'cancelled' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(cancelled.json().cancelled_at).not.toBeNull();
    const completed = await admin.patch(`/api/enrollments/${enrollment.id}`, { status: 'completed' });
    expect(completed.statusCode).toBe(409);

    expect((await admin.delete(`/api/enrollments/${enrollment.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/enrollments/${enrollment.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/enrollments/${enrollment.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/enrollments/${enrollment.id}`, { notes: 'x' })).statusCode).toBe(404);
  });

  it('lists with filters on session, student and status, stable sort and pagination', async () => {
    const tenant = await createTenant(ctx.db);
    const session = await addSession(ctx.db, tenant);
    const admin = await ctx.login(tenant.admin);
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      const student = await addStudent(ctx.db, tenant, name);
      ids.push((await admin.post('/api/enrollments', { session_id: session.id, student_id: student.id })).json().id);
    }
    await admin.patch(`/api/enrollments/${ids[1]}`, { status: 'cancelled' });
    const all = (await admin.get('/api/enrollments?page_size=2')).json();
    expect(all.total).toBe(4);
    expect(all.items).toHaveLength(2);
    const inSession = (await admin.get(`/api/enrollments?session_id=${session.id}&sort=enrolled_at&order=desc`)).json();
    expect(inSession.items.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());
    expect((await admin.get(`/api/enrollments?session_id=${session.id}&status=cancelled`)).json().items.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
    expect((await admin.get(`/api/enrollments?student_id=${tenant.student.id}`)).json().items.map((e: { id: string }) => e.id)).toEqual([tenant.enrollment.id]);
    const bad = await admin.get('/api/enrollments?session_id=nope&status=lost&page_size=201');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['querystring.page_size', 'querystring.session_id', 'querystring.status']);
  });

  it('refuses bad input, duplicates and closed sessions, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const bad = await admin.post('/api/enrollments', { session_id: 'x', student_id: 12, status: 'waitlisted', amount_due: '1e9', amount_paid: -1, enrollment_date: '2026-13-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['body.amount_due', 'body.amount_paid', 'body.enrollment_date', 'body.session_id', 'body.status', 'body.student_id']);
    expect((await admin.post('/api/enrollments', {})).statusCode).toBe(400);
    expect((await admin.post('/api/enrollments', { session_id: tenant.session.id, student_id: tenant.student.id, amount_due: 99999999999 })).statusCode).toBe(400);
    const setWaitlisted = await admin.patch(`/api/enrollments/${tenant.enrollment.id}`, { status: 'waitlisted' }, { 'accept-language': 'fr' });
    expect(setWaitlisted.statusCode).toBe(400);
    expect(setWaitlisted.json().error.details.fields[0]).toMatchObject({ field: 'body.status', message: expect.stringContaining('liste d’attente') });

    const duplicate = await admin.post('/api/enrollments', { session_id: tenant.session.id, student_id: tenant.student.id });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'DUPLICATE', details: { enrollment_id: tenant.enrollment.id } });

    const unknown = '00000000-0000-4000-8000-000000000000';
    const noSession = await admin.post('/api/enrollments', { session_id: unknown, student_id: tenant.student.id });
    expect(noSession.statusCode).toBe(404);
    expect(noSession.json().error.message).toContain('session');
    const noStudent = await admin.post('/api/enrollments', { session_id: tenant.session.id, student_id: unknown });
    expect(noStudent.statusCode).toBe(404);
    expect(noStudent.json().error.message).toContain('student');

    const student = await addStudent(ctx.db, tenant);
    for (const status of ['cancelled', 'completed']) {
      const closed = await addSession(ctx.db, tenant, { status });
      const refused = await admin.post('/api/enrollments', { session_id: closed.id, student_id: student.id });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('SESSION_CANCELLED');
    }
    const rows = await ctx.db.selectFrom('enrollments').select('id').where('organization_id', '=', tenant.organization.id).execute();
    expect(rows).toHaveLength(1);
    expect((await admin.get('/api/enrollments/not-a-uuid')).statusCode).toBe(400);
  });

  it('reactivates a cancelled enrollment instead of answering 409, recording the new category and funding', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    await admin.patch(`/api/enrollments/${tenant.enrollment.id}`, { status: 'cancelled' });
    const again = await admin.post('/api/enrollments', { session_id: tenant.session.id, student_id: tenant.student.id, funding_scheme: 'OPCO' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: tenant.enrollment.id, status: 'confirmed', cancelled_at: null, funding_scheme: 'OPCO' });
    expect(new Date(again.json().enrolled_at).getTime()).toBeGreaterThan(tenant.enrollment.enrolled_at.getTime());
  });

  it('refuses to delete an enrollment with attendance or grades (409: cancel instead)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const refused = await admin.delete(`/api/enrollments/${tenant.enrollment.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'HAS_DEPENDENTS', details: { dependents: { attendance: 1, grades: 1 } } });
    expect((await admin.get(`/api/enrollments/${tenant.enrollment.id}`)).statusCode).toBe(200);
  });

  it('lets staff read all, a teacher only their own sessions, and neither write (403)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const otherSession = await addSession(ctx.db, tenant, { capacity_max: null });
    await ctx.db.updateTable('sessions').set({ teacher_id: null }).where('id', '=', otherSession.id).execute();
    const other = (await admin.post('/api/enrollments', { session_id: otherSession.id, student_id: (await addStudent(ctx.db, tenant)).id })).json();

    const staff = await ctx.login(tenant.staff);
    expect((await staff.get('/api/enrollments')).json().total).toBe(2);
    expect((await staff.get(`/api/sessions/${otherSession.id}/enrollments`)).statusCode).toBe(200);
    const teacher = await ctx.login(tenant.teacher);
    expect((await teacher.get('/api/enrollments')).json().items.map((e: { id: string }) => e.id)).toEqual([tenant.enrollment.id]);
    expect((await teacher.get(`/api/enrollments/${other.id}`)).statusCode).toBe(404);
    expect((await teacher.get(`/api/sessions/${tenant.session.id}/enrollments`)).json().total).toBe(1);
    expect((await teacher.get(`/api/sessions/${otherSession.id}/enrollments`)).statusCode).toBe(404);

    const student = await addStudent(ctx.db, tenant, 'Refus');
    for (const client of [staff, teacher]) {
      const denied = await client.post('/api/enrollments', { session_id: tenant.session.id, student_id: student.id });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`/api/enrollments/${tenant.enrollment.id}`, { status: 'cancelled' })).statusCode).toBe(403);
      expect((await client.delete(`/api/enrollments/${other.id}`)).statusCode).toBe(403);
    }
    expect((await admin.get(`/api/enrollments/${tenant.enrollment.id}`)).json().status).toBe('confirmed');
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.post('/api/enrollments', { session_id: tenant.session.id, student_id: student.id })).statusCode).toBe(201);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/enrollments' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/sessions/${tenant.session.id}/enrollments` })).statusCode).toBe(401);
  });

  it('keeps organisations apart: another organisation gets 404 and changes nothing', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    expect((await adminB.get('/api/enrollments')).json().items.map((e: { id: string }) => e.id)).toEqual([b.enrollment.id]);
    expect((await adminB.get(`/api/enrollments?session_id=${a.session.id}`)).json().total).toBe(0);
    expect((await adminB.get(`/api/enrollments/${a.enrollment.id}`)).statusCode).toBe(404);
    expect((await adminB.get(`/api/sessions/${a.session.id}/enrollments`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/enrollments/${a.enrollment.id}`, { status: 'cancelled' })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/enrollments/${a.enrollment.id}`)).statusCode).toBe(404);
    // Neither A's session nor A's student can be used by B, in any combination.
    const studentB = await addStudent(ctx.db, b);
    expect((await adminB.post('/api/enrollments', { session_id: a.session.id, student_id: studentB.id })).statusCode).toBe(404);
    expect((await adminB.post('/api/enrollments', { session_id: b.session.id, student_id: a.student.id })).statusCode).toBe(404);
    const untouched = await ctx.db.selectFrom('enrollments').selectAll().where('id', '=', a.enrollment.id).executeTakeFirstOrThrow();
    expect(untouched).toMatchObject({ status: 'confirmed', cancelled_at: null });
    const countA = await ctx.db.selectFrom('enrollments').select('id').where('session_id', '=', a.session.id).execute();
    expect(countA).toHaveLength(1);
  });
});
