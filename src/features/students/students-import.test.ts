import { expect, it } from 'vitest';
import type { ApiClient } from '../../../tests/support/api';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

function importCsv(client: ApiClient, csv: string, query = '', headers: Record<string, string> = {}) {
  return client.request({ method: 'POST', url: `/api/students/import${query}`, payload: csv, headers: { 'content-type': 'text/csv; charset=utf-8', ...headers } });
}

async function countStudents(client: ApiClient): Promise<number> {
  return (await client.get('/api/students')).json().total;
}

describeApi('students CSV import', (ctx) => {
  it('imports a French Excel export (BOM, ;, French headers, DD/MM/YYYY) and numbers the learners', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const csv = '\uFEFFPrénom;Nom;Courriel;Téléphone;Employeur;Date naissance;Numéro;Service\r\n'
      + 'Hélène;Dupré;Helene@Example.fr;06 12 34 56 78;Acme;17/05/1990;;Compta\r\n'
      + 'Paul;Durand;;;;1985-01-31;MAT-7;\r\n'
      + '\r\n'
      + '"Anne, Marie";"Le ""Grand""";;;;;;\r\n';
    const response = await importCsv(admin, csv);
    expect(response.statusCode).toBe(201);
    const report = response.json();
    expect(report).toMatchObject({ dry_run: false, imported: true, total_rows: 3, valid_rows: 3, created: 3, rejected: [], ignored_columns: ['Service'] });
    expect(report.students.map((s: { row: number; student_number: string }) => [s.row, s.student_number]))
      .toEqual([[2, 'STG-000001'], [3, 'MAT-7'], [5, 'STG-000002']]);
    const helene = (await admin.get(`/api/students/${report.students[0].id}`)).json();
    expect(helene).toMatchObject({ first_name: 'Hélène', last_name: 'Dupré', email: 'helene@example.fr', employer: 'Acme', date_of_birth: '1990-05-17' });
    expect((await admin.get(`/api/students/${report.students[2].id}`)).json()).toMatchObject({ first_name: 'Anne, Marie', last_name: 'Le "Grand"' });
    expect(await countStudents(admin)).toBe(4);
  });

  it('accepts English headers with commas', async () => {
    const tenant = await createTenant(ctx.db);
    const secretary = await ctx.login(tenant.secretary);
    const response = await importCsv(secretary, 'first_name,last_name,email,student_number,date_of_birth\nAda,Lovelace,ada@example.com,N-1,1815-12-10\n', '', { 'content-type': 'text/csv' });
    // 1815 is outside the plausible range of birth dates.
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.rejected).toEqual([{ row: 2, field: 'date_of_birth', message: expect.any(String) }]);
    const fixed = await importCsv(secretary, 'first_name,last_name,email,student_number\nAda,Lovelace,ada@example.com,N-1\n');
    expect(fixed.statusCode).toBe(201);
    expect(fixed.json().students[0].student_number).toBe('N-1');
  });

  it('rejects the whole file when one row is bad, with a report per row, and creates nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    await admin.post('/api/students', { first_name: 'Déjà', last_name: 'Là', email: 'taken@example.fr' });
    const csv = [
      'prenom;nom;email;numero;date_naissance',
      'Bon;Élève;good@example.fr;;',
      ';SansPrénom;;;',
      'Mauvais;Courriel;pas-un-courriel;;31/02/1990',
      'Double;Numéro;;N-9;',
      'Double;Encore;;N-9;',
      'Pris;Courriel;TAKEN@example.fr;;',
      `Pris;Numéro;;${tenant.student.student_number};`,
      'Trop;De;Cellules;;;;en trop',
      'Bis;Courriel;good@example.fr;;',
    ].join('\n');
    const response = await importCsv(admin, csv, '', { 'accept-language': 'en' });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('7 row(s) rejected');
    expect(error.details).toMatchObject({ imported: false, created: 0, total_rows: 9, valid_rows: 2, students: [] });
    expect(error.details.rejected.map((r: { row: number; field: string | null }) => [r.row, r.field])).toEqual([
      [3, 'first_name'],
      [4, 'date_of_birth'],
      [4, 'email'],
      [6, 'student_number'],
      [7, 'email'],
      [8, 'student_number'],
      [9, null],
      [10, 'email'],
    ]);
    expect(error.details.rejected.find((r: { row: number }) => r.row === 6).message).toContain('(5)');
    expect(error.details.rejected.find((r: { row: number }) => r.row === 7).message).toContain('existing student');
    expect(await countStudents(admin)).toBe(2);
  });

  it('checks only with dry_run=true', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const good = await importCsv(admin, 'prenom;nom\nA;B\nC;D\n', '?dry_run=true');
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ dry_run: true, imported: false, total_rows: 2, valid_rows: 2, created: 0, rejected: [] });
    const bad = await importCsv(admin, 'prenom;nom\nA;\n', '?dry_run=1', { 'accept-language': 'fr' });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ imported: false, valid_rows: 0, rejected: [{ row: 2, field: 'last_name' }] });
    expect(await countStudents(admin)).toBe(1);
    expect((await importCsv(admin, 'prenom;nom\nA;B\n', '?dry_run=maybe')).statusCode).toBe(400);
  });

  it('refuses malformed, empty, headless, oversized or non-CSV bodies with a clear 4xx', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const unclosed = await importCsv(admin, 'prenom;nom\n"A;B\n');
    expect(unclosed.statusCode).toBe(400);
    expect(unclosed.json().error.code).toBe('INVALID_CSV');
    const noHeader = await importCsv(admin, 'name;phone\nA;B\n');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error).toMatchObject({ code: 'INVALID_CSV', details: { missing: ['first_name', 'last_name'] } });
    expect((await importCsv(admin, 'prenom;nom;first_name\nA;B;C\n')).json().error.code).toBe('INVALID_CSV');
    expect((await importCsv(admin, '')).statusCode).toBe(400);
    expect((await importCsv(admin, '\uFEFF  \n')).json().error.code).toBe('INVALID_CSV');
    expect((await importCsv(admin, 'prenom;nom\n')).json().error.code).toBe('INVALID_CSV');
    const tooMany = await importCsv(admin, `prenom;nom\n${'A;B\n'.repeat(5001)}`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'INVALID_CSV', details: { max_rows: 5000 } });
    expect((await importCsv(admin, `prenom;nom\nA;${'B'.repeat(3 * 1024 * 1024)}\n`)).statusCode).toBe(413);
    expect((await admin.post('/api/students/import', { first_name: 'A', last_name: 'B' })).statusCode).toBe(400);
    expect((await importCsv(admin, 'prenom;nom\nA;B\n', '', { 'content-type': 'application/xml' })).statusCode).toBe(415);
    expect(await countStudents(admin)).toBe(1);
  });

  it('imports 5000 rows in one go', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const rows = Array.from({ length: 5000 }, (_, index) => `Prénom${index};Nom${index};l${index}@example.fr`);
    const response = await importCsv(admin, `prenom;nom;email\n${rows.join('\n')}\n`);
    expect(response.statusCode).toBe(201);
    expect(response.json().created).toBe(5000);
    expect(response.json().students.at(-1)).toMatchObject({ row: 5001, student_number: 'STG-005000' });
    expect(await countStudents(admin)).toBe(5001);
  });

  it('refuses teachers and staff (403), anonymous callers (401), and keeps organisations apart', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    for (const user of [a.teacher, a.staff]) {
      const client = await ctx.login(user);
      const denied = await importCsv(client, 'prenom;nom\nA;B\n');
      expect(denied.statusCode).toBe(403);
    }
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/students/import', payload: 'prenom;nom\nA;B\n', headers: { 'content-type': 'text/csv' } });
    expect(anonymous.statusCode).toBe(401);
    // B may reuse A's numbers and e-mails: uniqueness is per organisation.
    const adminB = await ctx.login(b.admin);
    const imported = await importCsv(adminB, `prenom;nom;numero\nX;Y;${a.student.student_number}\n`);
    expect(imported.statusCode).toBe(201);
    const adminA = await ctx.login(a.admin);
    expect(await countStudents(adminA)).toBe(1);
  });
});
