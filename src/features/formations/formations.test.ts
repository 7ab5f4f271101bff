import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant, uniqueCode } from '../../../tests/support/factories';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describeApi('formations API', (ctx) => {
  it('creates, reads, updates and deletes a formation with all its fields', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const code = uniqueCode('EXC');
    const created = await admin.post('/api/formations', {
      code,
      name: ' Excel avancé ',
      subtitle: 'Tableaux croisés',
      description: '',
      category: 'Bureautique',
      duration_hours: 21,
      duration_days: 3,
      duration_unit: 'days',
      price: '1200,50',
      currency: 'xof',
      payment_plan: 'En 3 fois',
      prerequisites: 'Excel de base',
      capacity_max: 12,
      age_min: 16,
      age_max: 99,
      modalities: 'Présentiel',
      pedagogical_objectives: 'Maîtriser les TCD',
      training_content: 'Module 1…',
      eligible_cpf: true,
      cpf_code: 'RS1234',
      certification_issued: true,
      photo_url: 'https://example.test/excel.png',
      published_online: true,
      program_id: tenant.program.id,
      organization_id: UNKNOWN_ID,
    });
    expect(created.statusCode).toBe(201);
    const formation = created.json();
    expect(formation).toMatchObject({
      code, name: 'Excel avancé', description: null, duration_hours: '21.00', duration_days: 3, duration_unit: 'days',
      price: '1200.50', currency: 'XOF', capacity_max: 12, age_min: 16, age_max: 99, eligible_cpf: true, cpf_code: 'RS1234',
      certification_issued: true, photo_url: 'https://example.test/excel.png', published_online: true, is_active: true,
      program_id: tenant.program.id, program_name: tenant.program.name, session_count: 0, organization_id: tenant.organization.id,
    });

    expect((await admin.get(`/api/formations/${formation.id}`)).json()).toEqual(formation);
    const updated = await admin.patch(`/api/formations/${formation.id}`, { name: 'Excel expert', program_id: null, price: null, is_active: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Excel expert', program_id: null, program_name: null, price: null, is_active: false, code });
    expect((await admin.patch(`/api/formations/${formation.id}`, {})).json().name).toBe('Excel expert');

    expect((await admin.delete(`/api/formations/${formation.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/formations/${formation.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/formations/${formation.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/formations/${formation.id}`, { name: 'Fantôme' })).statusCode).toBe(404);
  });

  it('lists with programme (including none), category, activity and text filters, sorted and paginated', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const rows = [
      ['ANG', 'Anglais 100%', 'Langues', null, true],
      ['ESP', 'Espagnol', 'Langues', tenant.program.id, false],
      ['WRD', 'Word', 'Bureautique', null, true],
    ] as const;
    for (const [code, name, category, program_id, is_active] of rows) {
      expect((await admin.post('/api/formations', { code, name, category, program_id, is_active })).statusCode).toBe(201);
    }
    const codes = (body: { items: { code: string }[] }) => body.items.map((f) => f.code);

    const all = (await admin.get('/api/formations?sort=code&order=asc&page_size=2')).json();
    expect(all).toMatchObject({ total: 4, page: 1, page_size: 2 });
    expect(codes(all)).toEqual(['ANG', 'ESP']);
    expect(codes((await admin.get('/api/formations?sort=code&page_size=2&page=2')).json())).toEqual([tenant.formation.code, 'WRD']);

    expect(codes((await admin.get('/api/formations?program_id=none&sort=code')).json())).toEqual(['ANG', 'WRD']);
    expect(codes((await admin.get(`/api/formations?program_id=${tenant.program.id}&sort=code`)).json())).toEqual(['ESP', tenant.formation.code]);
    expect((await admin.get(`/api/formations?program_id=${UNKNOWN_ID}`)).json().total).toBe(0);
    expect(codes((await admin.get('/api/formations?category=Langues&sort=code')).json())).toEqual(['ANG', 'ESP']);
    expect(codes((await admin.get('/api/formations?is_active=false')).json())).toEqual(['ESP']);
    expect(codes((await admin.get('/api/formations?q=wrd')).json())).toEqual(['WRD']);
    expect(codes((await admin.get('/api/formations?q=100%25')).json())).toEqual(['ANG']);

    const listed = (await admin.get(`/api/formations?q=${tenant.formation.code}`)).json().items[0];
    expect(listed).toMatchObject({ session_count: 1, program_name: tenant.program.name });

    const bad = await admin.get('/api/formations?program_id=nothing&page_size=500&sort=secret');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort())
      .toEqual(['querystring.page_size', 'querystring.program_id', 'querystring.sort']);
  });

  it('refuses bad fields with 400, an unknown programme on body.program_id and a duplicate code with 409, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const fields = (response: { json(): { error: { details: { fields: { field: string }[] } } } }) =>
      response.json().error.details.fields.map((f) => f.field).sort();

    const empty = await admin.post('/api/formations', {});
    expect(empty.statusCode).toBe(400);
    expect(fields(empty)).toEqual(['body.code', 'body.name']);

    const wrongTypes = await admin.post('/api/formations', {
      code: 'OK', name: 'Types', price: 'cher', capacity_max: 'dix', age_min: 1e12, duration_hours: -3, duration_unit: 'years', photo_url: 'javascript:alert(1)',
    });
    expect(wrongTypes.statusCode).toBe(400);
    expect(fields(wrongTypes)).toEqual(['body.age_min', 'body.capacity_max', 'body.duration_hours', 'body.duration_unit', 'body.photo_url', 'body.price']);

    const nul = await admin.post('/api/formations', { code: 'NUL', name: 'Nul', description: 'a\u0000b' });
    expect(nul.statusCode).toBe(400);
    expect(fields(nul)).toEqual(['body.description']);
    expect((await admin.get('/api/formations?category=%00')).statusCode).toBe(400);

    const ages = await admin.post('/api/formations', { code: 'AGE', name: 'Âges', age_min: 30, age_max: 18 }, { 'accept-language': 'en' });
    expect(ages.statusCode).toBe(400);
    expect(ages.json().error.details.fields).toEqual([{ field: 'body.age_min', message: 'The minimum age must not exceed the maximum age.' }]);
    const agesAgainstStored = await admin.patch(`/api/formations/${tenant.formation.id}`, { age_max: 10 });
    expect(agesAgainstStored.statusCode).toBe(200);
    const reversed = await admin.patch(`/api/formations/${tenant.formation.id}`, { age_min: 12 });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details.fields[0]).toMatchObject({ field: 'body.age_min', message: expect.stringContaining('âge minimum') });

    const otherOrganization = await createTenant(ctx.db);
    for (const programId of [UNKNOWN_ID, otherOrganization.program.id]) {
      const unknownProgram = await admin.post('/api/formations', { code: 'PRG', name: 'Programme inconnu', program_id: programId });
      expect(unknownProgram.statusCode).toBe(400);
      expect(fields(unknownProgram)).toEqual(['body.program_id']);
      const moved = await admin.patch(`/api/formations/${tenant.formation.id}`, { program_id: programId });
      expect(moved.statusCode).toBe(400);
    }

    const duplicate = await admin.post('/api/formations', { code: tenant.formation.code, name: 'Doublon' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'DUPLICATE', details: { fields: [{ field: 'body.code' }] } });
    const renamedToDuplicate = (await admin.post('/api/formations', { code: 'AUTRE', name: 'Autre' })).json();
    expect((await admin.patch(`/api/formations/${renamedToDuplicate.id}`, { code: tenant.formation.code })).statusCode).toBe(409);

    expect((await admin.get('/api/formations')).json().total).toBe(2);
    expect((await admin.get(`/api/formations/${tenant.formation.id}`)).json()).toMatchObject({ program_id: tenant.program.id, age_min: null, age_max: 10 });
    expect((await admin.get('/api/formations/not-a-uuid')).statusCode).toBe(400);
    const malformed = await admin.request({ method: 'POST', url: '/api/formations', payload: '{"code":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
  });

  it('refuses to delete a formation that still has sessions (409 saying how many)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    await ctx.db.insertInto('sessions')
      .values({ organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Deuxième', start_date: '2026-04-01', end_date: '2026-04-02' })
      .execute();
    const refused = await admin.delete(`/api/formations/${tenant.formation.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'HAS_DEPENDENTS', details: { dependents: { sessions: 2 } } });
    expect(refused.json().error.message).toContain('2 session(s)');
    expect((await admin.get(`/api/formations/${tenant.formation.id}`)).json().session_count).toBe(2);
  });

  it('lets teachers and staff read but not write (403), and requires authentication (401)', async () => {
    const tenant = await createTenant(ctx.db);
    for (const user of [tenant.teacher, tenant.staff]) {
      const client = await ctx.login(user);
      expect((await client.get('/api/formations')).json().total).toBe(1);
      expect((await client.get(`/api/formations/${tenant.formation.id}`)).statusCode).toBe(200);
      const denied = await client.post('/api/formations', { code: 'NOPE', name: 'Non' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`/api/formations/${tenant.formation.id}`, { name: 'Non' })).statusCode).toBe(403);
      expect((await client.delete(`/api/formations/${tenant.formation.id}`)).statusCode).toBe(403);
    }
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.post('/api/formations', { code: 'SEC', name: 'Par le secrétariat' })).statusCode).toBe(201);
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/formations' });
    expect(anonymous.statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/formations', payload: { code: 'X', name: 'X' } })).statusCode).toBe(401);
  });

  it('keeps organisations apart: another organisation gets 404 and changes nothing', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    expect((await adminB.get('/api/formations')).json().items.map((f: { id: string }) => f.id)).toEqual([b.formation.id]);
    expect((await adminB.get(`/api/formations?program_id=${a.program.id}`)).json().total).toBe(0);
    expect((await adminB.get(`/api/formations/${a.formation.id}`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/formations/${a.formation.id}`, { name: 'Piraté' })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/formations/${a.formation.id}`)).statusCode).toBe(404);
    const untouched = await ctx.db.selectFrom('formations').selectAll().where('id', '=', a.formation.id).executeTakeFirstOrThrow();
    expect(untouched).toMatchObject({ name: a.formation.name, program_id: a.program.id });
  });
});
