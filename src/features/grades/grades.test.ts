import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { describeApi } from '../../../tests/support/api';
import { createStaff, createTenant, uniqueCode } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function enrollStudent(db: Kysely<Database>, tenant: Tenant, lastName: string, status = 'confirmed') {
  const student = await db.insertInto('students')
    .values({ organization_id: tenant.organization.id, first_name: 'Alex', last_name: lastName, student_number: uniqueCode('STU') })
    .returningAll().executeTakeFirstOrThrow();
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: student.id, status }).execute();
  return student;
}

async function gradeRows(db: Kysely<Database>, organizationId: string) {
  return db.selectFrom('grades').select(['id', 'student_id', 'subject', 'score', 'max_score', 'coefficient'])
    .where('organization_id', '=', organizationId).orderBy('id').execute();
}

describeApi('grades API', (ctx) => {
  it('creates and updates grades in bulk and computes weighted averages on 20', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const second = await enrollStudent(ctx.db, tenant, 'Bernard');
    const url = `/api/sessions/${tenant.session.id}/grades`;
    const saved = await admin.put(url, {
      grades: [
        { student_id: tenant.student.id, subject: 'Oral', assessment_type: 'exam', score: 8, max_score: 10, coefficient: 2, appreciation: 'Très clair' },
        { student_id: second.id, subject: 'Écrit', score: '12,5', coefficient: '1.5' },
      ],
    });
    expect(saved.statusCode).toBe(200);
    const body = saved.json();
    expect(body.students.map((s: { last_name: string }) => s.last_name)).toEqual(['Bernard', 'Martin']);
    const [bernard, martin] = body.students;
    expect(bernard).toMatchObject({ student_id: second.id, average: '12.50', grades: [{ subject: 'Écrit', score: '12.50', max_score: '20.00', coefficient: '1.50', graded_by: tenant.admin.id }] });
    expect(martin.grades).toHaveLength(2);
    expect(martin.grades[1]).toMatchObject({ subject: 'Oral', assessment_type: 'exam', score: '8.00', max_score: '10.00', coefficient: '2.00', appreciation: 'Très clair' });
    // (15/20×20×1 + 8/10×20×2) / 3 = 15.666…
    expect(martin.average).toBe('15.67');
    // The mean of the exact averages (15.666… and 12.5), not of the rounded ones.
    expect(body.session_average).toBe('14.08');
    expect((await admin.get(url)).json()).toEqual(body);

    // An update without max_score keeps the grade's maximum.
    const updated = await admin.put(url, { grades: [{ id: tenant.grade.id, student_id: tenant.student.id, subject: 'Évaluation finale', score: 18 }] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().students[1]).toMatchObject({ average: '16.67' });
    expect(updated.json().students[1].grades[0]).toMatchObject({ id: tenant.grade.id, score: '18.00', max_score: '20.00', graded_by: tenant.admin.id });
    const history = await ctx.db.selectFrom('change_log').select(['operation', 'old_values'])
      .where('table_name', '=', 'grades').where('row_id', '=', tenant.grade.id).orderBy('id').execute();
    expect(history.map((h) => h.operation)).toEqual(['INSERT', 'UPDATE']);
    expect(history[1]?.old_values).toMatchObject({ score: 15 });
  });

  it('refuses invalid grades with the grade index in the field path and writes nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const waitlisted = await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
    const url = `/api/sessions/${tenant.session.id}/grades`;
    const before = await gradeRows(ctx.db, tenant.organization.id);
    const ok = { student_id: tenant.student.id, subject: 'Projet', score: 10 };

    const shape = await admin.put(url, { grades: [ok, { ...ok, score: 21 }, { ...ok, score: -1 }, { ...ok, score: 5, max_score: 4 }, { ...ok, subject: ' ' }] }, { 'accept-language': 'en' });
    expect(shape.statusCode).toBe(400);
    const fields = shape.json().error.details.fields;
    expect(fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.grades.1.score', 'body.grades.2.score', 'body.grades.3.score', 'body.grades.4.subject']);
    expect(fields.find((f: { field: string }) => f.field === 'body.grades.1.score').message).toBe('The score must be between 0 and the maximum score.');

    const rules = await admin.put(url, {
      grades: [
        ok,
        { id: tenant.grade.id, student_id: tenant.student.id, subject: 'Évaluation finale', score: 25 },
        { ...ok, student_id: waitlisted.id },
        { ...ok, id: '00000000-0000-4000-8000-000000000000' },
      ],
    });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'body.grades.1.score', 'body.grades.2.student_id', 'body.grades.3.id',
    ]);
    expect(await gradeRows(ctx.db, tenant.organization.id)).toEqual(before);
  });

  it('deletes a grade of the session, keeping it in the change log', async () => {
    const tenant = await createTenant(ctx.db);
    const teacher = await ctx.login(tenant.teacher);
    const other = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Autre', start_date: '2026-04-06', end_date: '2026-04-07', teacher_id: tenant.teacher.id,
    }).returning('id').executeTakeFirstOrThrow();
    // A grade is deleted through its own session only.
    expect((await teacher.delete(`/api/sessions/${other.id}/grades/${tenant.grade.id}`)).statusCode).toBe(404);
    expect((await teacher.delete(`/api/sessions/${tenant.session.id}/grades/${tenant.grade.id}`)).statusCode).toBe(204);
    expect((await teacher.delete(`/api/sessions/${tenant.session.id}/grades/${tenant.grade.id}`)).statusCode).toBe(404);
    const listed = (await teacher.get(`/api/sessions/${tenant.session.id}/grades`)).json();
    expect(listed).toMatchObject({ session_average: null, students: [{ student_id: tenant.student.id, average: null, grades: [] }] });
    const deleted = await ctx.db.selectFrom('change_log').select(['operation', 'old_values', 'changed_by'])
      .where('row_id', '=', tenant.grade.id).where('operation', '=', 'DELETE').executeTakeFirstOrThrow();
    expect(deleted).toMatchObject({ old_values: { subject: 'Évaluation finale' }, changed_by: tenant.teacher.id });
  });

  it('refuses new grades on a cancelled session with 409, keeps them readable, and still deletes one', async () => {
    const tenant = await createTenant(ctx.db);
    await ctx.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', tenant.session.id).execute();
    const admin = await ctx.login(tenant.admin);
    const url = `/api/sessions/${tenant.session.id}/grades`;
    const before = await gradeRows(ctx.db, tenant.organization.id);
    const created = await admin.put(url, { grades: [{ student_id: tenant.student.id, subject: 'Oral', score: 12 }] });
    expect(created.statusCode).toBe(409);
    expect(created.json().error.code).toBe('SESSION_CANCELLED');
    const updated = await admin.put(url, { grades: [{ id: tenant.grade.id, student_id: tenant.student.id, subject: 'Évaluation finale', score: 3 }] });
    expect(updated.statusCode).toBe(409);
    expect(await gradeRows(ctx.db, tenant.organization.id)).toEqual(before);
    expect((await admin.get(url)).statusCode).toBe(200);
    expect((await admin.delete(`${url}/${tenant.grade.id}`)).statusCode).toBe(204);
  });

  it('lets the session’s teacher write, staff only read, and hides the session from other teachers', async () => {
    const tenant = await createTenant(ctx.db);
    const url = `/api/sessions/${tenant.session.id}/grades`;
    const grades = [{ student_id: tenant.student.id, subject: 'TP', score: 14 }];
    const teacher = await ctx.login(tenant.teacher);
    const saved = await teacher.put(url, { grades });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().students[0].grades[1].graded_by).toBe(tenant.teacher.id);
    expect((await (await ctx.login(tenant.secretary)).put(url, { grades })).statusCode).toBe(200);

    const staff = await ctx.login(tenant.staff);
    expect((await staff.get(url)).json().students[0].grades).toHaveLength(3);
    expect((await staff.put(url, { grades })).statusCode).toBe(403);
    expect((await staff.delete(`${url}/${tenant.grade.id}`)).statusCode).toBe(403);

    const otherTeacher = await ctx.login(await createStaff(ctx.db, tenant.organization.id, 'teacher'));
    expect((await otherTeacher.get(url)).statusCode).toBe(404);
    expect((await otherTeacher.put(url, { grades })).statusCode).toBe(404);
    expect((await otherTeacher.delete(`${url}/${tenant.grade.id}`)).statusCode).toBe(404);
    expect(await ctx.db.selectFrom('grades').select('id').where('session_id', '=', tenant.session.id).execute()).toHaveLength(3);
  });

  it('keeps organisations apart: another organisation can neither read nor change the grades', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const before = await gradeRows(ctx.db, a.organization.id);
    const url = `/api/sessions/${a.session.id}/grades`;
    for (const user of [b.admin, b.secretary, b.teacher, b.staff]) {
      expect((await (await ctx.login(user)).get(url)).statusCode).toBe(404);
    }
    const adminB = await ctx.login(b.admin);
    expect((await adminB.put(url, { grades: [{ student_id: a.student.id, subject: 'X', score: 0 }] })).statusCode).toBe(404);
    expect((await adminB.delete(`${url}/${a.grade.id}`)).statusCode).toBe(404);
    expect((await adminB.delete(`/api/sessions/${b.session.id}/grades/${a.grade.id}`)).statusCode).toBe(404);
    const crossed = await adminB.put(`/api/sessions/${b.session.id}/grades`, { grades: [{ id: a.grade.id, student_id: b.student.id, subject: 'X', score: 0 }] });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.details.fields[0].field).toBe('body.grades.0.id');
    expect(await gradeRows(ctx.db, a.organization.id)).toEqual(before);
  });
});
