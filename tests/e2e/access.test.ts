/**
 * Scenario 2: a user of a second organisation sees none of the first one's data, and its session
 * URL is a not-found page. Scenario 5: a teacher sees only their own sessions and cannot reach
 * /dashboard/users. An accountant reads sessions and rosters, records payments, and sees neither
 * grades, nor enrolling, nor staff accounts.
 */
import { expect, it } from 'vitest';
import { describeBrowser, screenshot } from '../support/browser';
import { createStaff, createTenant } from '../support/factories';
import { insertSlots } from '../support/slot-factories';

describeBrowser('what each user can see', (ctx) => {
  it('shows a second organisation none of the first one’s data, and a not-found page for its session', async () => {
    const first = await createTenant(ctx.db);
    await ctx.db.updateTable('sessions').set({ name: 'Session confidentielle A' }).where('id', '=', first.session.id).execute();
    await ctx.db.updateTable('programs').set({ name: 'Programme confidentiel A' }).where('id', '=', first.program.id).execute();
    const second = await createTenant(ctx.db);
    const page = await ctx.pageAs(second.admin);

    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('link', { name: 'Session test', exact: true }).waitFor();
    expect(await page.getByText('Session confidentielle A').count()).toBe(0);
    await page.goto(ctx.url('/dashboard/programs'));
    await page.getByRole('link', { name: 'Programme test', exact: true }).waitFor();
    expect(await page.getByText('Programme confidentiel A').count()).toBe(0);
    await page.goto(ctx.url('/dashboard/students'));
    await page.getByRole('heading', { name: 'Stagiaires', level: 1 }).waitFor();
    // The header row and the second organisation's one learner, once the list has loaded.
    await page.getByText(second.student.student_number!, { exact: true }).waitFor();
    expect(await page.getByRole('row').count()).toBe(2);

    await page.goto(ctx.url(`/dashboard/sessions/${first.session.id}`));
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    expect(await page.getByText('Session confidentielle A').count()).toBe(0);
    await screenshot(page, 'not-found-other-organisation');
    await page.goto(ctx.url(`/dashboard/formations/${first.formation.id}`));
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  });

  it('shows a teacher only their own sessions and no users page', async () => {
    const tenant = await createTenant(ctx.db);
    const otherTeacher = await createStaff(ctx.db, tenant.organization.id, 'teacher', { fullName: 'Autre Formateur' });
    await ctx.db.updateTable('sessions').set({ name: 'Ma session' }).where('id', '=', tenant.session.id).execute();
    const other = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session d’un collègue',
      start_date: '2026-04-06', end_date: '2026-04-07', teacher_id: otherTeacher.id, capacity_max: 8,
    }).returning('id').executeTakeFirstOrThrow();
    const page = await ctx.pageAs(tenant.teacher);

    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('link', { name: 'Ma session', exact: true }).waitFor();
    expect(await page.getByText('Session d’un collègue').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Nouvelle session/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Utilisateurs' }).count()).toBe(0);
    await screenshot(page, 'teacher-sessions');

    await page.goto(ctx.url(`/dashboard/sessions/${other.id}`));
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await page.goto(ctx.url('/dashboard/users'));
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);

    // A teacher marks attendance on their own session.
    await insertSlots(ctx.db, tenant.session);
    await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}/attendance`));
    await page.getByRole('button', { name: /Camille Martin, 2 mars 2026 Après-midi 13:30–17:00 : Non renseigné/ }).click();
    await page.getByRole('button', { name: /Camille Martin, 2 mars 2026 Après-midi 13:30–17:00 : Présent/ }).waitFor();
    const afternoon = await ctx.db.selectFrom('attendance').innerJoin('session_slots', 'session_slots.id', 'attendance.slot_id')
      .select(['attendance.status', 'attendance.recorded_by'])
      .where('attendance.session_id', '=', tenant.session.id).where('attendance.date', '=', '2026-03-02').where('session_slots.part_of_day', '=', 'afternoon')
      .executeTakeFirstOrThrow();
    expect(afternoon).toEqual({ status: 'present', recorded_by: tenant.teacher.id });
  });

  it('shows an accountant the rosters with their payments to record, and no grades, enrolling or users', async () => {
    const tenant = await createTenant(ctx.db);
    const accountant = await createStaff(ctx.db, tenant.organization.id, 'accountant', { fullName: 'Claire Comptable' });
    await ctx.db.updateTable('enrollments').set({ amount_due: '1200' }).where('id', '=', tenant.enrollment.id).execute();
    const page = await ctx.pageAs(accountant);

    await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}`));
    await page.getByRole('heading', { name: 'Inscrits confirmés' }).waitFor();
    expect(await page.getByRole('link', { name: 'Utilisateurs' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Paramètres' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Notes' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Émargement / présence' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Inscrire un stagiaire' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Annuler l’inscription/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Modifier' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Paiement : Camille Martin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Paiement de Camille Martin' });
    await dialog.getByLabel(/^Paiement/).selectOption('overdue');
    await dialog.getByLabel('Montant payé').fill('300,50');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Paiement enregistré.').waitFor();
    await page.getByRole('cell', { name: /En retard/ }).waitFor();
    await screenshot(page, 'accountant-roster');
    const stored = await ctx.db.selectFrom('enrollments').select(['payment_status', 'amount_paid', 'status']).where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ payment_status: 'overdue', amount_paid: '300.50', status: 'confirmed' });

    await page.getByRole('search', { name: 'Filtrer par paiement' }).getByLabel('Paiement').selectOption('paid');
    await page.getByText('Aucun inscrit avec ce paiement.').waitFor();

    for (const url of [`/dashboard/sessions/${tenant.session.id}/grades`, '/dashboard/users', '/dashboard/settings']) {
      await page.goto(ctx.url(url));
      await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    }
  });
});
