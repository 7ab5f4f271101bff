import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant, uniqueCode } from '../../../tests/support/factories';

describeApi('programs API', (ctx) => {
  it('creates, reads, updates and deletes a programme', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const code = uniqueCode('PFC');
    const created = await admin.post('/api/programs', { code, name: '  Programme de formation continue ', description: '', category: 'Continue' });
    expect(created.statusCode).toBe(201);
    const program = created.json();
    expect(program).toMatchObject({ code, name: 'Programme de formation continue', description: null, category: 'Continue', is_active: true, formation_count: 0, organization_id: tenant.organization.id });

    expect((await admin.get(`/api/programs/${program.id}`)).json()).toEqual(program);
    const updated = await admin.patch(`/api/programs/${program.id}`, { name: 'Programme renommé', is_active: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Programme renommé', is_active: false, code });
    expect((await admin.patch(`/api/programs/${program.id}`, {})).json().name).toBe('Programme renommé');

    expect((await admin.delete(`/api/programs/${program.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/programs/${program.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/programs/${program.id}`)).statusCode).toBe(404);
  });

  it('lists with filters, search, stable sort and pagination with a total', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    for (const [code, name, active] of [['LANG', 'Langues 100%', true], ['MGT', 'Management', false], ['NUM', 'Numérique', true], ['NUM2', 'Numérique avancé', true]] as const) {
      expect((await admin.post('/api/programs', { code, name, is_active: active })).statusCode).toBe(201);
    }
    const all = (await admin.get('/api/programs?sort=code&order=desc&page_size=2')).json();
    expect(all.total).toBe(5);
    // The tenant's own programme is coded PRG-…, after NUM2.
    expect(all.items.map((p: { code: string }) => p.code)).toEqual([tenant.program.code, 'NUM2']);
    const page2 = (await admin.get('/api/programs?sort=code&order=desc&page_size=2&page=2')).json();
    expect(page2.items.map((p: { code: string }) => p.code)).toEqual(['NUM', 'MGT']);
    expect(page2).toMatchObject({ total: 5, page: 2, page_size: 2 });
    expect((await admin.get('/api/programs?is_active=false')).json().items.map((p: { code: string }) => p.code)).toEqual(['MGT']);
    expect((await admin.get('/api/programs?q=num')).json().total).toBe(2);
    // % is searched literally, not as a wildcard.
    expect((await admin.get('/api/programs?q=100%25')).json().items.map((p: { code: string }) => p.code)).toEqual(['LANG']);
    const bad = await admin.get('/api/programs?sort=password&page=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['querystring.page', 'querystring.sort']);
  });

  it('refuses bad input with field errors and a duplicate code with 409, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const missing = await admin.post('/api/programs', { name: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.code', 'body.name']);
    const duplicate = await admin.post('/api/programs', { code: tenant.program.code, name: 'Doublon' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'DUPLICATE', details: { fields: [{ field: 'body.code' }] } });
    expect((await admin.get('/api/programs')).json().total).toBe(1);
    expect((await admin.get('/api/programs/not-a-uuid')).statusCode).toBe(400);
    // Postgres refuses NUL characters in text: a client's mistake, so a 400, not a 500.
    const nul = await admin.post('/api/programs', { code: 'NUL', name: 'Pro\u0000gramme' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.code).toBe('VALIDATION_FAILED');
    const malformed = await admin.request({ method: 'POST', url: '/api/programs', payload: '{"code":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
  });

  it('links formations in bulk, all or none, and unlinks them when the programme is deleted', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const target = (await admin.post('/api/programs', { code: 'CIBLE', name: 'Cible' })).json();
    const loose = await ctx.db.insertInto('formations').values({ organization_id: tenant.organization.id, code: uniqueCode('F'), name: 'Sans programme' }).returning('id').executeTakeFirstOrThrow();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const refused = await admin.post(`/api/programs/${target.id}/formations`, { formation_ids: [loose.id, unknown] });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.details.missing).toEqual([unknown]);
    expect((await admin.get(`/api/programs/${target.id}`)).json().formation_count).toBe(0);

    const linked = await admin.post(`/api/programs/${target.id}/formations`, { formation_ids: [loose.id, tenant.formation.id] });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({ linked: 2, program: { formation_count: 2 } });

    expect((await admin.delete(`/api/programs/${target.id}`)).statusCode).toBe(204);
    const formations = await ctx.db.selectFrom('formations').select(['id', 'program_id']).where('id', 'in', [loose.id, tenant.formation.id]).execute();
    expect(formations).toHaveLength(2);
    expect(formations.every((f) => f.program_id === null)).toBe(true);
  });

  it('lets teachers and staff read but not write (403)', async () => {
    const tenant = await createTenant(ctx.db);
    for (const user of [tenant.teacher, tenant.staff]) {
      const client = await ctx.login(user);
      expect((await client.get('/api/programs')).json().total).toBe(1);
      const denied = await client.post('/api/programs', { code: 'NOPE', name: 'Non' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`/api/programs/${tenant.program.id}`, { name: 'Non' })).statusCode).toBe(403);
      expect((await client.delete(`/api/programs/${tenant.program.id}`)).statusCode).toBe(403);
    }
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.post('/api/programs', { code: 'SEC', name: 'Par le secrétariat' })).statusCode).toBe(201);
  });

  it('keeps organisations apart: another organisation gets 404 and changes nothing', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminB = await ctx.login(b.admin);
    expect((await adminB.get('/api/programs')).json().items.map((p: { id: string }) => p.id)).toEqual([b.program.id]);
    expect((await adminB.get(`/api/programs/${a.program.id}`)).statusCode).toBe(404);
    expect((await adminB.patch(`/api/programs/${a.program.id}`, { name: 'Piraté' })).statusCode).toBe(404);
    expect((await adminB.delete(`/api/programs/${a.program.id}`)).statusCode).toBe(404);
    expect((await adminB.post(`/api/programs/${b.program.id}/formations`, { formation_ids: [a.formation.id] })).statusCode).toBe(404);
    const untouched = await ctx.db.selectFrom('programs').selectAll().where('id', '=', a.program.id).executeTakeFirstOrThrow();
    expect(untouched.name).toBe(a.program.name);
    const formation = await ctx.db.selectFrom('formations').select('program_id').where('id', '=', a.formation.id).executeTakeFirstOrThrow();
    expect(formation.program_id).toBe(a.program.id);
  });
});
