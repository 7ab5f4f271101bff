import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createStaff, createTenant } from '../../../tests/support/factories';

describeApi('session trainers', (ctx) => {
  it('lists the active teachers and administrators of the caller’s organisation, for every role', async () => {
    const tenant = await createTenant(ctx.db);
    const other = await createTenant(ctx.db);
    const retired = await createStaff(ctx.db, tenant.organization.id, 'teacher', { fullName: 'Ancien formateur' });
    await ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', retired.id).execute();
    const expected = [tenant.admin.id, tenant.teacher.id].sort();
    for (const user of [tenant.admin, tenant.secretary, tenant.teacher, tenant.staff]) {
      const client = await ctx.login(user);
      const response = await client.get('/api/sessions/trainers');
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.total).toBe(2);
      expect(body.items.map((t: { id: string }) => t.id).sort()).toEqual(expected);
      expect(body.items.every((t: { id: string }) => t.id !== other.admin.id && t.id !== other.teacher.id)).toBe(true);
    }
    const admin = await ctx.login(tenant.admin);
    const searched = (await admin.get('/api/sessions/trainers?q=teacher')).json();
    expect(searched.items).toEqual([{ id: tenant.teacher.id, full_name: 'Test teacher', email: tenant.teacher.email, role: 'teacher' }]);
    expect((await admin.get('/api/sessions/trainers?page_size=201')).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/sessions/trainers' })).statusCode).toBe(401);
  });
});
