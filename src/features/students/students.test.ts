import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

type Listed = { items: Array<{ id: string; last_name: string; student_number: string }>; total: number };

describeApi('students API', (ctx) => {
  it('creates, reads, updates and deletes a student, generating a number when none is given', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const created = await admin.post('/api/students', {
      first_name: ' Hélène ', last_name: 'Dupré', email: ' Helene.Dupre@Example.FR ', phone: '+33 6 12 34 56 78',
      date_of_birth: '1990-05-17', employer: 'Acme', notes: '', unknown_field: 'dropped',
    });
    expect(created.statusCode).toBe(201);
    const student = created.json();
    expect(student).toMatchObject({
      first_name: 'Hélène', last_name: 'Dupré', email: 'helene.dupre@example.fr', date_of_birth: '1990-05-17',
      status: 'active', notes: null, student_number: 'STG-000001', organization_id: tenant.organization.id,
    });
    expect(student).not.toHaveProperty('unknown_field');
    const second = (await admin.post('/api/students', { first_name: 'Paul', last_name: 'Durand' })).json();
    expect(second.student_number).toBe('STG-000002');
    const given = (await admin.post('/api/students', { first_name: 'Zoé', last_name: 'Roux', student_number: 'STG-000041' })).json();
    expect(given.student_number).toBe('STG-000041');
    expect((await admin.post('/api/students', { first_name: 'Léa', last_name: 'Petit' })).json().student_number).toBe('STG-000042');

    expect((await admin.get(`/api/students/${student.id}`)).json()).toEqual(student);
    const updated = await admin.patch(`/api/students/${student.id}`, { status: 'graduated', employer: null, phone: '' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ status: 'graduated', employer: null, phone: null, first_name: 'Hélène' });
    expect((await admin.patch(`/api/students/${student.id}`, {})).json().status).toBe('graduated');

    expect((await admin.delete(`/api/students/${student.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/students/${student.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/students/${student.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/students/${student.id}`, { notes: 'x' })).statusCode).toBe(404);
  });

  it('searches names, e-mail and number without regard to case or accents, filters, sorts and pages', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    for (const [first_name, last_name, email, status] of [
      ['Hélène', 'Dupré', 'helene@example.fr', 'active'],
      ['Helene', 'Dupre', null, 'inactive'],
      ['Jean', 'Éluard', 'jean@sample.fr', 'active'],
      ['Ana', '100% Zed', null, 'active'],
    ] as const) {
      expect((await admin.post('/api/students', { first_name, last_name, email, status })).statusCode).toBe(201);
    }
    const byName = (await admin.get('/api/students?q=HELENE%20dupre')).json() as Listed;
    expect(byName.total).toBe(2);
    expect((await admin.get('/api/students?q=eluard')).json().items[0].last_name).toBe('Éluard');
    expect((await admin.get('/api/students?q=%C3%A9luard')).json().total).toBe(1);
    expect((await admin.get('/api/students?q=SAMPLE.fr')).json().total).toBe(1);
    expect((await admin.get(`/api/students?q=${tenant.student.student_number!.toLowerCase()}`)).json().total).toBe(1);
    expect((await admin.get('/api/students?q=100%25')).json().total).toBe(1);
    expect((await admin.get('/api/students?status=inactive')).json().items.map((s: { first_name: string }) => s.first_name)).toEqual(['Helene']);

    const page1 = (await admin.get('/api/students?sort=last_name&order=desc&page_size=2')).json() as Listed;
    expect(page1.total).toBe(5);
    expect(page1.items.map((s) => s.last_name)).toEqual(['Martin', 'Éluard']);
    const page2 = (await admin.get('/api/students?sort=last_name&order=desc&page_size=2&page=2')).json() as Listed;
    expect(page2.items.map((s) => s.last_name)).toEqual(['Dupré', 'Dupre']);

    const bad = await admin.get('/api/students?sort=password&page_size=500&status=gone');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['querystring.page_size', 'querystring.sort', 'querystring.status']);
  });

  it('refuses bad input with field errors and a duplicate number with 409, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const bad = await admin.post('/api/students', {
      first_name: '', last_name: 42, email: 'not-an-email', date_of_birth: '2990-01-01', status: 'gone', phone: 'call me',
    }, { 'accept-language': 'fr' });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.fields as Array<{ field: string; message: string }>;
    expect(fields.map((f) => f.field).sort())
      .toEqual(['body.date_of_birth', 'body.email', 'body.first_name', 'body.last_name', 'body.phone', 'body.status']);
    expect(fields.find((f) => f.field === 'body.date_of_birth')!.message).toContain('date de naissance');
    expect((await admin.post('/api/students', { first_name: 'A', last_name: 'B', date_of_birth: '2024-02-30' })).statusCode).toBe(400);
    expect((await admin.post('/api/students', { first_name: 'A', last_name: 'B', student_number: 'x'.repeat(41) })).statusCode).toBe(400);
    expect((await admin.post('/api/students', undefined)).statusCode).toBe(400);
    const malformed = await admin.request({ method: 'POST', url: '/api/students', payload: '{"first_name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);

    const duplicate = await admin.post('/api/students', { first_name: 'A', last_name: 'B', student_number: tenant.student.student_number });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'DUPLICATE', details: { fields: [{ field: 'body.student_number' }] } });
    const other = (await admin.post('/api/students', { first_name: 'C', last_name: 'D' })).json();
    const renumber = await admin.patch(`/api/students/${other.id}`, { student_number: tenant.student.student_number });
    expect(renumber.statusCode).toBe(409);
    expect((await admin.get(`/api/students/${other.id}`)).json().student_number).toBe(other.student_number);
    expect((await admin.get('/api/students')).json().total).toBe(2);
    expect((await admin.get('/api/students/not-a-uuid')).statusCode).toBe(400);
    expect((await admin.patch(`/api/students/${other.id}`, { first_name: null })).statusCode).toBe(400);
  });

  it('refuses to delete a student with enrollments, attendance or grades (409 saying what depends)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const refused = await admin.delete(`/api/students/${tenant.student.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'HAS_DEPENDENTS', details: { dependents: { enrollments: 1, attendance: 1, grades: 1 } } });
    expect(refused.json().error.message).toContain('1 enrollments');
    expect((await admin.get(`/api/students/${tenant.student.id}`)).statusCode).toBe(200);
  });

  it('lets staff read all, a teacher only the students of their own sessions, and neither write (403)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const outsider = (await admin.post('/api/students', { first_name: 'Hors', last_name: 'Session' })).json();

    const staff = await ctx.login(tenant.staff);
    expect((await staff.get('/api/students')).json().total).toBe(2);
    const teacher = await ctx.login(tenant.teacher);
    expect((await teacher.get('/api/students')).json().items.map((s: { id: string }) => s.id)).toEqual([tenant.student.id]);
    expect((await teacher.get(`/api/students/${tenant.student.id}`)).statusCode).toBe(200);
    expect((await teacher.get(`/api/students/${outsider.id}`)).statusCode).toBe(404);

    for (const client of [staff, teacher]) {
      const denied = await client.post('/api/students', { first_name: 'Non', last_name: 'Non' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`/api/students/${tenant.student.id}`, { first_name: 'Non' })).statusCode).toBe(403);
      expect((await client.delete(`/api/students/${outsider.id}`)).statusCode).toBe(403);
    }
    expect((await admin.get(`/api/students/${tenant.student.id}`)).json().first_name).toBe('Camille');
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.post('/api/students', { first_name: 'Par', last_name: 'Secrétariat' })).statusCode).toBe(201);
    expect((await secretary.delete(`/api/students/${outsider.id}`)).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/students' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/students', payload: { first_name: 'A', last_name: 'B' } })).statusCode).toBe(401);
  });

  it('keeps organisations apart: another organisation gets 404 and changes nothing', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    expect((await adminB.get('/api/students')).json().items.map((s: { id: string }) => s.id)).toEqual([b.student.id]);
    expect((await adminB.get(`/api/students?q=${a.student.student_number}`)).json().total).toBe(0);
    expect((await adminB.get(`/api/students/${a.student.id}`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/students/${a.student.id}`, { first_name: 'Piraté' })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/students/${a.student.id}`)).statusCode).toBe(404);
    // Numbers are unique per organisation only.
    expect((await adminB.post('/api/students', { first_name: 'X', last_name: 'Y', student_number: a.student.student_number })).statusCode).toBe(201);
    const untouched = await ctx.db.selectFrom('students').selectAll().where('id', '=', a.student.id).executeTakeFirstOrThrow();
    expect(untouched).toMatchObject({ first_name: 'Camille', organization_id: a.organization.id });
  });
});
