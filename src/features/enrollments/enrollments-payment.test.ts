import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';
import { PAYMENT_STATUSES } from './enrollment.schemas';

describeApi('enrollment payments', (ctx) => {
  it('takes every payment status, overdue included, at enrollment and later, and filters on it', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const learner = await ctx.db.insertInto('students')
      .values({ organization_id: tenant.organization.id, first_name: 'Inès', last_name: 'Durand' }).returning('id').executeTakeFirstOrThrow();
    const created = await admin.post('/api/enrollments', { session_id: tenant.session.id, student_id: learner.id, payment_status: 'overdue', amount_due: '980' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ payment_status: 'overdue', amount_due: '980.00', amount_paid: '0.00' });
    for (const status of PAYMENT_STATUSES) {
      const updated = await admin.patch(`/api/enrollments/${tenant.enrollment.id}`, { payment_status: status });
      expect(updated.statusCode, status).toBe(200);
      expect(updated.json().payment_status).toBe(status);
    }
    const overdue = await admin.get(`/api/enrollments?session_id=${tenant.session.id}&payment_status=overdue`);
    expect(overdue.json()).toMatchObject({ total: 1, items: [{ id: created.json().id }] });
    expect((await admin.get(`/api/enrollments?session_id=${tenant.session.id}&payment_status=waived`)).json().items.map((item: { id: string }) => item.id))
      .toEqual([tenant.enrollment.id]);
    const stored = await ctx.db.selectFrom('enrollments').select('payment_status').where('id', '=', created.json().id).executeTakeFirstOrThrow();
    expect(stored.payment_status).toBe('overdue');
  });

  it('refuses a payment status it does not know with a 400 on the field, changing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const wrong = await admin.patch(`/api/enrollments/${tenant.enrollment.id}`, { payment_status: 'late' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.fields.map((field: { field: string }) => field.field)).toEqual(['body.payment_status']);
    expect((await admin.get('/api/enrollments?payment_status=late')).statusCode).toBe(400);
    const stored = await ctx.db.selectFrom('enrollments').select('payment_status').where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(stored.payment_status).toBe('pending');
    // The database refuses it too, whoever writes.
    await expect(ctx.db.updateTable('enrollments').set({ payment_status: 'late' }).where('id', '=', tenant.enrollment.id).execute())
      .rejects.toMatchObject({ code: '23514' });
  });

  it('exports each enrollment’s payment in the enrollments file', async () => {
    const tenant = await createTenant(ctx.db);
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.patch(`/api/enrollments/${tenant.enrollment.id}`, { payment_status: 'overdue', amount_due: '1500.5', amount_paid: 200 })).statusCode).toBe(200);
    const csv = await secretary.get(`/api/sessions/${tenant.session.id}/export/enrollments.csv`);
    const rows: Array<Record<string, string>> = parse(csv.body, { delimiter: ';', bom: true, columns: true });
    expect(rows).toEqual([expect.objectContaining({ student_number: tenant.student.student_number, payment_status: 'overdue', amount_due: '1500,50', amount_paid: '200,00' })]);
  });
});
