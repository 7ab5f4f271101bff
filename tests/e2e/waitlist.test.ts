/** Scenario 3: filling a session puts the next learner on the waiting list; a cancellation promotes them. */
import { expect, it } from 'vitest';
import { describeBrowser, screenshot } from '../support/browser';
import { createOrganization, createStaff } from '../support/factories';

describeBrowser('waiting list', (ctx) => {
  it('waitlists the learner after the last seat and promotes them when a seat is cancelled', async () => {
    const organization = await createOrganization(ctx.db);
    const secretary = await createStaff(ctx.db, organization.id, 'secretary');
    const formation = await ctx.db.insertInto('formations').values({ organization_id: organization.id, code: 'FRM-WL', name: 'Formation SST' }).returning('id').executeTakeFirstOrThrow();
    const session = await ctx.db.insertInto('sessions').values({
      organization_id: organization.id, formation_id: formation.id, name: 'Session SST complète', start_date: '2026-06-01', end_date: '2026-06-02', capacity_max: 2,
    }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('students').values([
      { organization_id: organization.id, first_name: 'Alice', last_name: 'Bernard' },
      { organization_id: organization.id, first_name: 'Bruno', last_name: 'Caron' },
      { organization_id: organization.id, first_name: 'Chloé', last_name: 'Dupuis' },
    ]).execute();
    const page = await ctx.pageAs(secretary);
    await page.goto(ctx.url(`/dashboard/sessions/${session.id}`));
    const confirmed = page.getByRole('region', { name: 'Inscrits confirmés' });
    const waitlist = page.getByRole('region', { name: 'Liste d’attente' });

    for (const [search, name] of [['Bernard', 'Alice Bernard'], ['Caron', 'Bruno Caron']] as const) {
      await page.getByLabel('Rechercher un stagiaire').fill(search);
      await page.getByRole('button', { name: `Inscrire ${name}` }).click();
      await confirmed.getByText(name).waitFor();
    }
    await page.getByLabel('Rechercher un stagiaire').fill('Dupuis');
    await page.getByRole('button', { name: 'Inscrire Chloé Dupuis' }).click();
    await page.getByText('Session complète : Chloé Dupuis est en liste d’attente (rang 1).').waitFor();
    await waitlist.getByRole('row', { name: /#1 Chloé Dupuis/ }).waitFor();
    expect(await confirmed.getByText('Chloé Dupuis').count()).toBe(0);
    await screenshot(page, 'roster-waitlist');

    await page.getByRole('button', { name: 'Annuler l’inscription : Alice Bernard' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Annuler l’inscription' }).click();
    await page.getByText('Chloé Dupuis passe(nt) de la liste d’attente aux inscrits.').waitFor();
    await confirmed.getByText('Chloé Dupuis').waitFor();
    await waitlist.getByText('Personne en liste d’attente.').waitFor();
    expect(await confirmed.getByText('Alice Bernard').count()).toBe(0);
    await screenshot(page, 'roster-promoted');

    await page.goto(ctx.url('/dashboard/sessions'));
    const row = page.getByRole('row', { name: /Session SST complète/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('2 / 2');
  });
});
