/**
 * The accountant through the API: reads the catalogue, sessions, learners, rosters and
 * attendance, records payments and exports; everything else is a 403 that changes nothing.
 */
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { type ApiContext, describeApi } from '../support/api';
import { createStaff, createTenant } from '../support/factories';

async function setUp(ctx: ApiContext) {
  const tenant = await createTenant(ctx.db);
  const accountant = await createStaff(ctx.db, tenant.organization.id, 'accountant', { fullName: 'Claire Comptable' });
  return { tenant, accountant, client: await ctx.login(accountant) };
}

function csvRows(body: string): Array<Record<string, string>> {
  return parse(body, { delimiter: ';', bom: true, columns: true });
}

describeApi('the accountant through the API', (ctx) => {
  it('signs in as an accountant and reads the catalogue, sessions, learners, rosters, attendance and the organisation', async () => {
    const { tenant, client } = await setUp(ctx);
    const me = await client.get('/api/auth/me');
    expect(me.json().user).toMatchObject({ role: 'accountant', full_name: 'Claire Comptable' });
    const reads = {
      programs: await client.get('/api/programs'),
      formations: await client.get('/api/formations'),
      sessions: await client.get('/api/sessions'),
      students: await client.get('/api/students'),
      enrollments: await client.get(`/api/enrollments?session_id=${tenant.session.id}`),
    };
    for (const [name, response] of Object.entries(reads)) {
      expect(response.statusCode, name).toBe(200);
      expect(response.json().total, name).toBe(1);
    }
    expect((await client.get(`/api/sessions/${tenant.session.id}/enrollments`)).json().items).toHaveLength(1);
    expect((await client.get(`/api/sessions/${tenant.session.id}/slots`)).json().items.map((slot: { id: string }) => slot.id)).toEqual([tenant.slot.id]);
    const grid = await client.get(`/api/sessions/${tenant.session.id}/attendance`);
    expect(grid.statusCode).toBe(200);
    expect(grid.json().students[0].cells[0]).toMatchObject({ status: 'present' });
    expect((await client.get('/api/organization')).json().id).toBe(tenant.organization.id);
  });

  it('records the payment of an enrollment, overdue included, and exports it', async () => {
    const { tenant, client } = await setUp(ctx);
    const paid = await client.patch(`/api/enrollments/${tenant.enrollment.id}`, { payment_status: 'overdue', amount_due: 1250, amount_paid: '300,50' });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ payment_status: 'overdue', amount_due: '1250.00', amount_paid: '300.50', status: 'confirmed', promoted: [] });
    expect((await client.get('/api/enrollments?payment_status=overdue')).json().items.map((item: { id: string }) => item.id)).toEqual([tenant.enrollment.id]);
    const csv = await client.get(`/api/sessions/${tenant.session.id}/export/enrollments.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csvRows(csv.body)).toEqual([expect.objectContaining({ last_name: 'Martin', payment_status: 'overdue', amount_due: '1250,00', amount_paid: '300,50' })]);
    const attendance = await client.get(`/api/sessions/${tenant.session.id}/export/attendance.csv`);
    expect(attendance.statusCode).toBe(200);
    expect(csvRows(attendance.body)[0]).toMatchObject({ last_name: 'Martin', status: 'present' });
  });

  it('is refused (403) everything else, and nothing changes', async () => {
    const { tenant, client } = await setUp(ctx);
    const session = `/api/sessions/${tenant.session.id}`;
    const refused = {
      'create a programme': await client.post('/api/programs', { code: 'NON', name: 'Non' }),
      'rename a programme': await client.patch(`/api/programs/${tenant.program.id}`, { name: 'Non' }),
      'delete a programme': await client.delete(`/api/programs/${tenant.program.id}`),
      'create a formation': await client.post('/api/formations', { code: 'NON', name: 'Non' }),
      'change a formation': await client.patch(`/api/formations/${tenant.formation.id}`, { price: 1 }),
      'create a session': await client.post('/api/sessions', { formation_id: tenant.formation.id, name: 'Non', start_date: '2026-07-06', end_date: '2026-07-07' }),
      'rename a session': await client.patch(session, { name: 'Non' }),
      'delete a session': await client.delete(session),
      'create a slot': await client.post(`${session}/slots`, { date: '2026-03-04', start_time: '09:00', end_time: '12:30' }),
      'change a slot': await client.patch(`${session}/slots/${tenant.slot.id}`, { module_title: 'Non' }),
      'generate slots': await client.post(`${session}/slots/generate`, { preview: true }),
      'create a learner': await client.post('/api/students', { first_name: 'Non', last_name: 'Non' }),
      'change a learner': await client.patch(`/api/students/${tenant.student.id}`, { first_name: 'Non' }),
      'delete a learner': await client.delete(`/api/students/${tenant.student.id}`),
      'enroll': await client.post('/api/enrollments', { session_id: tenant.session.id, student_id: tenant.student.id }),
      'cancel an enrollment': await client.patch(`/api/enrollments/${tenant.enrollment.id}`, { status: 'cancelled' }),
      'write notes': await client.patch(`/api/enrollments/${tenant.enrollment.id}`, { notes: 'Relance' }),
      'pay and write notes': await client.patch(`/api/enrollments/${tenant.enrollment.id}`, { payment_status: 'paid', notes: 'Relance' }),
      'delete an enrollment': await client.delete(`/api/enrollments/${tenant.enrollment.id}`),
      'mark attendance': await client.put(`${session}/attendance`, { entries: [{ student_id: tenant.student.id, slot_id: tenant.slot.id, status: 'absent' }] }),
      'mark a slot': await client.post(`${session}/attendance/bulk`, { slot_id: tenant.slot.id }),
      'read grades': await client.get(`${session}/grades`),
      'write grades': await client.put(`${session}/grades`, { grades: [{ student_id: tenant.student.id, subject: 'Non', score: 1 }] }),
      'delete a grade': await client.delete(`${session}/grades/${tenant.grade.id}`),
      'list staff accounts': await client.get('/api/users'),
      'create a staff account': await client.post('/api/users', { email: 'compta-bis@example.test', role: 'accountant' }),
      'change a staff account': await client.patch(`/api/users/${tenant.teacher.id}`, { role: 'admin' }),
      'set the organisation’s hours': await client.patch('/api/organization', { morning_start: '08:00' }),
    };
    for (const [action, response] of Object.entries(refused)) {
      expect(response.statusCode, action).toBe(403);
      expect(response.json().error.code, action).toBe('FORBIDDEN');
    }
    const enrollment = await ctx.db.selectFrom('enrollments').select(['status', 'notes', 'payment_status']).where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(enrollment).toEqual({ status: 'confirmed', notes: null, payment_status: 'pending' });
    const mark = await ctx.db.selectFrom('attendance').select('status').where('id', '=', tenant.attendance.id).executeTakeFirstOrThrow();
    expect(mark.status).toBe('present');
    const names = await ctx.db.selectFrom('programs').select('name').where('organization_id', '=', tenant.organization.id).execute();
    expect(names).toEqual([{ name: 'Programme test' }]);
    expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'compta-bis@example.test').execute()).toEqual([]);
  });

  it('is created and listed by an administrator like any staff account', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/users', { email: 'comptabilite@example.test', full_name: 'Service comptable', role: 'accountant', password: 'password-long-enough' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ role: 'accountant', organization_id: tenant.organization.id, is_active: true });
    expect((await admin.get('/api/users?role=accountant')).json().items.map((user: { email: string }) => user.email)).toEqual(['comptabilite@example.test']);
    const accountant = await ctx.login({ email: 'comptabilite@example.test' }, 'password-long-enough');
    expect((await accountant.get('/api/auth/me')).json().user.role).toBe('accountant');
    expect((await admin.patch(`/api/users/${tenant.staff.id}`, { role: 'accountant' })).json().role).toBe('accountant');
    expect((await admin.post('/api/users', { email: 'root@example.test', role: 'super_admin' })).statusCode).toBe(400);
  });
});
