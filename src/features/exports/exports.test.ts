import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { type ApiContext, describeApi } from '../../../tests/support/api';
import { createStaff, createTenant, uniqueCode } from '../../../tests/support/factories';
import { fillSchedule } from '../../../tests/support/schedule';
import { ATTENDANCE_COLUMNS, ENROLLMENT_COLUMNS } from './export.service';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type CsvRow = Record<string, string>;

async function enrollStudent(db: Kysely<Database>, tenant: Tenant, lastName: string, status = 'confirmed') {
  const student = await db.insertInto('students')
    .values({ organization_id: tenant.organization.id, first_name: 'Alex', last_name: lastName, student_number: uniqueCode('STU') })
    .returningAll().executeTakeFirstOrThrow();
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: tenant.session.id, student_id: student.id, status, funding_scheme: 'CPF' }).execute();
  return student;
}

function readCsv(body: string): { columns: string[]; rows: CsvRow[] } {
  expect(body.startsWith('\uFEFF')).toBe(true);
  const records: string[][] = parse(body, { delimiter: ';', bom: true });
  const [columns = [], ...cells] = records;
  return { columns, rows: cells.map((cell) => Object.fromEntries(columns.map((column, i) => [column, cell[i] ?? '']))) };
}

function sum(rows: CsvRow[], column: string): number {
  return rows.reduce((total, row) => total + Number(row[column]), 0);
}

/**
 * A session with a place, a trainer, a week of slots (the first with a module title), two
 * attending learners, a waitlisted one and some marks.
 */
async function createMarkedSession(ctx: ApiContext) {
  const tenant = await createTenant(ctx.db);
  await ctx.db.updateTable('sessions').set({ location: 'Lyon – salle 2' }).where('id', '=', tenant.session.id).execute();
  await ctx.db.updateTable('formations').set({ duration_hours: '35' }).where('id', '=', tenant.formation.id).execute();
  const second = await enrollStudent(ctx.db, tenant, 'Bernard');
  const waitlisted = await enrollStudent(ctx.db, tenant, 'Attente', 'waitlisted');
  const admin = await ctx.login(tenant.admin);
  const slots = await fillSchedule(admin, tenant.session.id);
  const titled = await admin.patch(`/api/sessions/${tenant.session.id}/slots/${tenant.slot.id}`, { module_title: 'Accueil et objectifs' });
  expect(titled.statusCode).toBe(200);
  const saved = await admin.put(`/api/sessions/${tenant.session.id}/attendance`, {
    entries: [
      { student_id: tenant.student.id, slot_id: slots.at('2026-03-02', 'afternoon').id, status: 'late', late_minutes: 30, notes: '=HYPERLINK("http://x")' },
      { student_id: tenant.student.id, slot_id: slots.at('2026-03-03', 'morning').id, status: 'absent' },
      { student_id: tenant.student.id, slot_id: slots.at('2026-03-03', 'afternoon').id, status: 'excused' },
      { student_id: second.id, slot_id: tenant.slot.id, status: 'present' },
    ],
  });
  expect(saved.statusCode).toBe(200);
  return { tenant, second, waitlisted };
}

describeApi('funders’ exports', (ctx) => {
  it('exports attendance as one row per learner × slot with the session’s details', async () => {
    const { tenant, second } = await createMarkedSession(ctx);
    const response = await (await ctx.login(tenant.secretary)).get(`/api/sessions/${tenant.session.id}/export/attendance.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="attendance_${tenant.formation.code}_2026-03-02.csv"`);
    const { columns, rows } = readCsv(response.body);
    expect(columns).toEqual([...ATTENDANCE_COLUMNS]);
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({
      organization: tenant.organization.name, formation_code: tenant.formation.code, formation_name: 'Formation test',
      formation_duration_hours: '35,00', session_name: 'Session test', session_start_date: '2026-03-02', session_end_date: '2026-03-06',
      location: 'Lyon – salle 2', trainer: 'Test teacher', session_slot_count: '10', session_planned_hours: '35,00',
      last_name: 'Bernard', date: '2026-03-02', part_of_day: 'morning', slot_start: '09:00', slot_end: '12:30',
      module_title: 'Accueil et objectifs', status: 'present', planned_minutes: '210', attended_minutes: '210',
    });
    const martin = rows.filter((row) => row.last_name === 'Martin');
    const momentsOf = (learnerRows: CsvRow[]) => learnerRows.map((row) => `${row.date} ${row.part_of_day}`);
    expect(momentsOf(martin)).toHaveLength(10);
    expect(momentsOf(martin)).toEqual(momentsOf(rows.filter((row) => row.last_name === 'Bernard')));
    expect(martin[1]).toMatchObject({
      part_of_day: 'afternoon', slot_start: '13:30', slot_end: '17:00', module_title: '',
      status: 'late', late_minutes: '30', attended_minutes: '180', notes: '\'=HYPERLINK("http://x")',
    });
    expect(martin[4]).toMatchObject({ date: '2026-03-04', part_of_day: 'morning', status: '', attended_minutes: '0' });
    expect(sum(martin, 'planned_minutes')).toBe(2100);
    expect(sum(martin, 'attended_minutes')).toBe(390);
    expect(sum(martin, 'excused_absence_minutes')).toBe(210);
    expect(sum(martin, 'unexcused_absence_minutes')).toBe(210);
    expect(sum(rows.filter((row) => row.student_number === second.student_number), 'attended_minutes')).toBe(210);
  });

  it('exports enrollments with planned, attended, excused and unexcused hours', async () => {
    const { tenant, waitlisted } = await createMarkedSession(ctx);
    const response = await (await ctx.login(tenant.admin)).get(`/api/sessions/${tenant.session.id}/export/enrollments.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="enrollments_${tenant.formation.code}_2026-03-02.csv"`);
    const { columns, rows } = readCsv(response.body);
    expect(columns).toEqual([...ENROLLMENT_COLUMNS]);
    expect(rows.map((row) => [row.last_name, row.enrollment_status])).toEqual([['Attente', 'waitlisted'], ['Bernard', 'confirmed'], ['Martin', 'confirmed']]);
    expect(rows[2]).toMatchObject({
      trainer: 'Test teacher', location: 'Lyon – salle 2', student_number: tenant.student.student_number,
      session_slot_count: '10', planned_slots: '10', attended_slots: '2', excused_absence_slots: '1', unexcused_absence_slots: '1',
      planned_minutes: '2100', attended_minutes: '390', excused_absence_minutes: '210', unexcused_absence_minutes: '210',
      planned_hours: '35,00', attended_hours: '6,50', excused_absence_hours: '3,50', unexcused_absence_hours: '3,50',
      attendance_rate_marked: '50,00', attended_minutes_rate: '18,57',
    });
    expect(rows[1]).toMatchObject({ funding_scheme: 'CPF', attended_slots: '1', attended_hours: '3,50', attendance_rate_marked: '100,00', attended_minutes_rate: '10,00' });
    expect(rows[0]).toMatchObject({
      student_number: waitlisted.student_number, planned_slots: '10', planned_hours: '35,00', attended_hours: '0,00',
      attendance_rate_marked: '', attended_minutes_rate: '0,00',
    });
    expect(sum(rows, 'attended_minutes')).toBe(600);
  });

  it('lets the session’s teacher and staff export, and hides the session from other teachers', async () => {
    const tenant = await createTenant(ctx.db);
    const readers = [await ctx.login(tenant.teacher), await ctx.login(tenant.staff)];
    const otherTeacher = await ctx.login(await createStaff(ctx.db, tenant.organization.id, 'teacher'));
    for (const file of ['attendance.csv', 'enrollments.csv']) {
      const url = `/api/sessions/${tenant.session.id}/export/${file}`;
      for (const reader of readers) {
        const response = await reader.get(url);
        expect(response.statusCode).toBe(200);
        expect(readCsv(response.body).rows.length).toBeGreaterThan(0);
      }
      const hidden = await otherTeacher.get(url);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('keeps organisations apart: another organisation cannot export a session', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    for (const user of [b.admin, b.secretary, b.teacher, b.staff]) {
      const client = await ctx.login(user);
      for (const file of ['attendance.csv', 'enrollments.csv']) {
        const response = await client.get(`/api/sessions/${a.session.id}/export/${file}`);
        expect(response.statusCode).toBe(404);
        expect(response.body).not.toContain(a.student.last_name);
      }
    }
    expect((await (await ctx.login(b.admin)).get('/api/sessions/not-a-uuid/export/attendance.csv')).statusCode).toBe(400);
  });
});
