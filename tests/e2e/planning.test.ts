/**
 * The schedule through the dashboard, as an administrator: an evening course and a morning-only
 * session made with the session dialog's planning, a session over Christmas week made with the
 * Planning tab's Generate dialog (its preview names the holiday it leaves out), a slot on a
 * Sunday, the tab's list and week views; then the organisation's planning week by week with the
 * sessions' hours, a trainer booked twice at the same time shown as a conflict, and the filters
 * by trainer and by place, in French, in English and on a tablet. A teacher reads the schedule
 * and the planning without the controls that write.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { type BrowserContextHandle, describeBrowser, screenshot } from '../support/browser';
import { createOrganization, createStaff } from '../support/factories';

type Part = 'Matin' | 'Après-midi' | 'Soir';

type NewSession = { name: string; start: string; end: string; teacher: string; location: string; parts: Part[] | 'unknown' };

/** Creates a session with the session dialog and its planning fieldset; returns the session's URL. */
async function createSession(ctx: BrowserContextHandle, page: Page, formation: string, values: NewSession): Promise<string> {
  await page.goto(ctx.url('/dashboard/sessions'));
  await page.getByRole('button', { name: /Nouvelle session/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Formation').selectOption({ label: formation });
  await dialog.getByLabel('Nom').fill(values.name);
  await dialog.getByLabel('Date de début').fill(values.start);
  await dialog.getByLabel('Date de fin').fill(values.end);
  await dialog.getByLabel('Formateur').selectOption({ label: values.teacher });
  await dialog.getByLabel('Lieu').fill(values.location);
  const planning = dialog.getByRole('group', { name: 'Planning' });
  if (values.parts === 'unknown') {
    await planning.getByLabel('Horaires pas encore connus').check();
  } else {
    for (const part of ['Matin', 'Après-midi', 'Soir'] as const) await planning.getByLabel(part, { exact: true }).setChecked(values.parts.includes(part));
  }
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByRole('heading', { name: new RegExp(values.name), level: 1 }).waitFor();
  return page.url();
}

/** Opens the session's Planning tab and waits for its table of slots. */
async function openPlanningTab(page: Page, session: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections de la session' }).getByRole('link', { name: 'Planning' }).click();
  await page.getByRole('table', { name: `Créneaux de la session ${session}` }).waitFor();
}

/** The session's Planning tab. */
function tabRegion(page: Page): Locator {
  return page.getByRole('region', { name: 'Planning de la session' });
}

/** Whitespace as the page may print it (no-break spaces in dates) read as plain spaces. */
function plain(texts: string[]): string[] {
  return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

/** The slot blocks of one day of a week grid (each day is a list named by its date). */
function dayOf(page: Page, label: string): Locator {
  return page.getByRole('list', { name: label, exact: true });
}

/** The blocks of a session (by its name as the block's title, not as the other session of a conflict). */
function blocksOf(scope: Locator | Page, session: string): Locator {
  const page = 'goto' in scope ? scope : scope.page();
  return scope.getByRole('link').filter({ has: page.getByText(session, { exact: true }) });
}

async function blockTexts(day: Locator, session: string): Promise<string[]> {
  return blocksOf(day, session).allTextContents();
}

describeBrowser('planning: slots of sessions, the week, conflicts', (ctx) => {
  it('makes an evening, a morning and a Christmas-week schedule from the dashboard and shows them on the planning, with a trainer conflict and filters', async () => {
    const organization = await createOrganization(ctx.db, { name: 'Centre Planning Test' });
    const admin = await createStaff(ctx.db, organization.id, 'admin', { fullName: 'Claire Admin' });
    await createStaff(ctx.db, organization.id, 'teacher', { fullName: 'Julien Formateur' });
    await createStaff(ctx.db, organization.id, 'teacher', { fullName: 'Sophie Soir' });
    await ctx.db.insertInto('formations').values({ organization_id: organization.id, code: 'FRM-PLN', name: 'Bureautique' }).execute();
    const formation = 'Bureautique (FRM-PLN)';
    const page = await ctx.pageAs(admin);

    // (a) An evening course and (b) a morning-only session, the week of 14 December 2026.
    const evening = await createSession(ctx, page, formation, {
      name: 'Anglais du soir', start: '2026-12-14', end: '2026-12-18', teacher: 'Sophie Soir', location: 'Salle Soir', parts: ['Soir'],
    });
    await openPlanningTab(page, 'Anglais du soir');
    expect(await page.getByRole('row', { name: /18:00–21:00/ }).count()).toBe(5);
    expect(await page.getByRole('row', { name: /09:00|13:30/ }).count()).toBe(0);
    await tabRegion(page).getByText('5 créneaux · 15 h prévues').waitFor();

    await createSession(ctx, page, formation, {
      name: 'Excel matin', start: '2026-12-14', end: '2026-12-18', teacher: 'Julien Formateur', location: 'Salle 1', parts: ['Matin'],
    });
    await openPlanningTab(page, 'Excel matin');
    expect(await page.getByRole('row', { name: /09:00–12:30/ }).count()).toBe(5);
    expect(await page.getByRole('row', { name: /13:30–17:00|18:00–21:00/ }).count()).toBe(0);

    // (c) Christmas week, hours not known at creation: the Generate dialog, previewed first.
    const christmas = await createSession(ctx, page, formation, {
      name: 'Comptabilité de fin d’année', start: '2026-12-21', end: '2026-12-28', teacher: 'Julien Formateur', location: 'Salle 2', parts: 'unknown',
    });
    await page.goto(`${christmas}/planning`);
    await page.getByText('Aucun créneau : ajoutez-en un ou générez le planning.').waitFor();
    await page.getByRole('button', { name: 'Générer…' }).click();
    const generate = page.getByRole('dialog', { name: 'Générer les créneaux' });
    expect(await generate.getByLabel(/^Du\b/).inputValue()).toBe('2026-12-21');
    expect(await generate.getByLabel(/^Au\b/).inputValue()).toBe('2026-12-28');
    expect(await generate.getByLabel('Matin : début').inputValue()).toBe('09:00');
    expect(await generate.getByLabel('Après-midi : fin').inputValue()).toBe('17:00');
    await generate.getByRole('button', { name: 'Aperçu' }).click();
    const preview = generate.getByRole('status');
    await preview.getByText('10 créneau(x) à créer, 35 h.').waitFor();
    await preview.getByText('Dates écartées (1)').waitFor();
    expect(plain(await preview.getByRole('listitem').allTextContents())).toEqual(['vendredi 25 décembre 2026 — Noël']);
    // The preview wrote nothing.
    const christmasId = new URL(christmas).pathname.split('/').at(-1)!;
    expect(await ctx.db.selectFrom('session_slots').select('id').where('session_id', '=', christmasId).execute()).toEqual([]);
    await screenshot(page, 'planning-generate-preview');
    await generate.getByRole('button', { name: 'Générer', exact: true }).click();
    await page.getByText('10 créneau(x) créé(s).').waitFor();
    await tabRegion(page).getByText('10 créneaux · 35 h prévues').waitFor();
    // A second run would add nothing: every slot of the pattern is taken.
    await page.getByRole('button', { name: 'Générer…' }).click();
    await generate.getByRole('button', { name: 'Aperçu' }).click();
    await preview.getByText('0 créneau(x) à créer, 0 h.').waitFor();
    await preview.getByText('Déjà occupés, non créés (10)').waitFor();
    await generate.getByRole('button', { name: 'Annuler' }).click();

    // A slot put by hand on Sunday 27 December is accepted, and flagged.
    await page.getByRole('button', { name: '+ Ajouter un créneau' }).click();
    const slotDialog = page.getByRole('dialog', { name: 'Ajouter un créneau' });
    await slotDialog.getByLabel('Date').fill('2026-12-27');
    await slotDialog.getByLabel('Début').fill('10:00');
    await slotDialog.getByLabel('Fin').fill('12:00');
    await slotDialog.getByLabel('Module').fill('Clôture des comptes');
    expect(await slotDialog.getByLabel('Partie de la journée').inputValue()).toBe('morning');
    await slotDialog.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Créneau ajouté.').waitFor();
    const sunday = page.getByRole('row', { name: /Clôture des comptes/ });
    await sunday.getByText('⚑ Dimanche').waitFor();
    expect(await page.getByRole('row', { name: /25 déc\. 2026/ }).count()).toBe(0);
    expect(await page.getByRole('row', { name: /déc\. 2026/ }).count()).toBe(11);
    await screenshot(page, 'planning-session-list');
    await page.getByRole('group', { name: 'Affichage' }).getByRole('button', { name: 'Semaine' }).click();
    await page.getByRole('heading', { name: 'Semaine du 21–27 déc. 2026' }).waitFor();
    expect(await dayOf(page, 'lun. 21 déc.').getByRole('button').allTextContents()).toEqual([
      expect.stringContaining('09:00–12:30'), expect.stringContaining('13:30–17:00'),
    ]);
    expect(await dayOf(page, 'ven. 25 déc.').getByRole('button').count()).toBe(0);
    await dayOf(page, 'dim. 27 déc.').getByRole('button', { name: /10:00–12:00.*Clôture des comptes/ }).waitFor();
    expect(page.url()).toContain('view=week');
    await screenshot(page, 'planning-session-week');
    await page.getByRole('button', { name: 'Semaine suivante ›' }).click();
    await page.getByRole('heading', { name: /Semaine du 28 déc\. 2026\s–\s3 janv\. 2027/ }).waitFor();
    expect(await dayOf(page, 'lun. 28 déc.').getByRole('button').count()).toBe(2);

    // The organisation's week of 14 December: the evening and the morning hours.
    await page.goto(ctx.url('/dashboard/planning?week=2026-12-14'));
    await page.getByRole('heading', { name: 'Planning', level: 1 }).waitFor();
    await blocksOf(page, 'Excel matin').first().waitFor();
    for (const day of ['lun. 14 déc.', 'mar. 15 déc.', 'mer. 16 déc.', 'jeu. 17 déc.', 'ven. 18 déc.']) {
      expect(await blockTexts(dayOf(page, day), 'Anglais du soir'), day).toEqual([expect.stringContaining('18:00–21:00')]);
      expect(await blockTexts(dayOf(page, day), 'Excel matin'), day).toEqual([expect.stringContaining('09:00–12:30')]);
    }
    expect(await blockTexts(dayOf(page, 'lun. 14 déc.'), 'Excel matin')).toEqual([expect.stringMatching(/Salle 1.*Julien Formateur/)]);
    await page.getByText('Aucun conflit').waitFor();
    // Christmas week: the holiday in its day's header, nothing on it, the Sunday slot flagged.
    await page.getByRole('button', { name: 'Semaine suivante ›' }).click();
    await page.waitForURL(/week=2026-12-21/);
    await page.getByRole('heading', { name: 'Semaine du 21–27 déc. 2026', level: 3 }).waitFor();
    const grid = page.getByRole('region', { name: 'Créneaux de la semaine' });
    await grid.getByText('Noël').waitFor();
    await blocksOf(page, 'Comptabilité de fin d’année').first().waitFor();
    expect(await dayOf(page, 'ven. 25 déc.').getByRole('link').count()).toBe(0);
    expect(await blockTexts(dayOf(page, 'jeu. 24 déc.'), 'Comptabilité de fin d’année')).toEqual([
      expect.stringContaining('09:00–12:30'), expect.stringContaining('13:30–17:00'),
    ]);
    expect(await blockTexts(dayOf(page, 'dim. 27 déc.'), 'Comptabilité de fin d’année')).toEqual([expect.stringContaining('10:00–12:00')]);
    await grid.getByText('Dimanche').waitFor();
    await screenshot(page, 'planning-week-christmas');
    await page.getByRole('button', { name: 'Semaine suivante ›' }).click();
    await page.waitForURL(/week=2026-12-28/);
    await blocksOf(dayOf(page, 'lun. 28 déc.'), 'Comptabilité de fin d’année').first().waitFor();
    expect(await blockTexts(dayOf(page, 'lun. 28 déc.'), 'Comptabilité de fin d’année')).toEqual([
      expect.stringContaining('09:00–12:30'), expect.stringContaining('13:30–17:00'),
    ]);

    // A conflict: Julien, who trains "Excel matin" in the mornings, is put on a morning slot of the evening course.
    await page.goto(`${evening}/planning`);
    await page.getByRole('button', { name: '+ Ajouter un créneau' }).click();
    const added = page.getByRole('dialog', { name: 'Ajouter un créneau' });
    await added.getByLabel('Date').fill('2026-12-16');
    await added.getByLabel('Début').fill('09:00');
    await added.getByLabel('Fin').fill('08:00');
    await added.getByRole('button', { name: 'Enregistrer' }).click();
    await added.getByText('L’heure de fin doit être postérieure à l’heure de début').waitFor();
    expect(await added.getByLabel('Fin').getAttribute('aria-invalid')).toBe('true');
    // The session's own evening slot that day is in the way: refused with 409, said above the form.
    await added.getByLabel('Début').fill('18:30');
    await added.getByLabel('Fin').fill('19:30');
    expect(await added.getByLabel('Partie de la journée').inputValue()).toBe('evening');
    await added.getByRole('button', { name: 'Enregistrer' }).click();
    await added.getByRole('alert').getByText('La session a déjà un créneau le 16 déc. 2026 de 18:00 à 21:00').waitFor();
    await screenshot(page, 'planning-slot-dialog-overlap');
    await added.getByLabel('Début').fill('09:00');
    await added.getByLabel('Fin').fill('11:00');
    await added.getByLabel('Module').fill('Rattrapage');
    await added.getByRole('button', { name: '+ Ajouter un formateur' }).click();
    await added.getByLabel('Formateur 1', { exact: true }).selectOption({ label: 'Julien Formateur' });
    expect(await added.getByLabel('Rôle du formateur 1').inputValue()).toBe('lead');
    await added.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Créneau ajouté.').waitFor();
    await page.getByRole('row', { name: /Rattrapage.*Julien Formateur \(Principal\)/ }).waitFor();

    await page.goto(ctx.url('/dashboard/planning?week=2026-12-14'));
    await page.getByText('⚠ 2 créneau(x) en conflit').waitFor();
    const wednesday = dayOf(page, 'mer. 16 déc.');
    const makeUp = blocksOf(wednesday, 'Anglais du soir').filter({ hasText: '09:00–11:00' });
    await makeUp.getByText('Conflit formateur').waitFor();
    await makeUp.getByText('Julien Formateur aussi sur « Excel matin »').waitFor();
    const morning = blocksOf(wednesday, 'Excel matin');
    await morning.getByText('Conflit formateur').waitFor();
    await morning.getByText('Julien Formateur aussi sur « Anglais du soir »').waitFor();
    expect(await dayOf(page, 'jeu. 17 déc.').getByText('Conflit formateur').count()).toBe(0);
    await screenshot(page, 'planning-week');
    expect(await makeUp.getAttribute('href')).toBe(`${new URL(evening).pathname}/planning?view=week&week=2026-12-14`);

    // Filter by trainer: Sophie's evenings only (the make-up slot is Julien's).
    await page.getByLabel('Formateur').selectOption({ label: 'Sophie Soir' });
    await page.waitForURL(/teacher_id=[0-9a-f-]{36}/);
    await expect.poll(() => blocksOf(page, 'Excel matin').count()).toBe(0);
    expect(await blocksOf(page, 'Anglais du soir').allTextContents()).toEqual(Array(5).fill(expect.stringContaining('18:00–21:00')));
    expect(page.url()).toContain('week=2026-12-14');
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await expect.poll(() => blocksOf(page, 'Excel matin').count()).toBe(5);

    // Filter by place: the choices are the week's places.
    const place = page.getByLabel('Lieu');
    expect(await place.locator('option').allTextContents()).toEqual(['Tous', 'Salle 1', 'Salle Soir']);
    await place.selectOption('Salle 1');
    await page.waitForURL(/location=Salle(\+|%20)1/);
    await expect.poll(() => blocksOf(page, 'Anglais du soir').count()).toBe(0);
    expect(await blocksOf(page, 'Excel matin').count()).toBe(5);
    await page.reload();
    await blocksOf(page, 'Excel matin').first().waitFor();
    expect(await page.getByLabel('Lieu').inputValue()).toBe('Salle 1');
    expect(await blocksOf(page, 'Anglais du soir').count()).toBe(0);

    // In English, and on a tablet: the same week, no sideways scroll of the page.
    const english = await ctx.pageAs(admin, { language: 'en' });
    await english.goto(ctx.url('/dashboard/planning?week=2026-12-14'));
    await english.getByText('⚠ 2 slot(s) in conflict').waitFor();
    await english.getByText('Julien Formateur also on “Excel matin”').waitFor();
    await english.getByRole('heading', { name: 'Week of 14–20 Dec 2026' }).waitFor();
    await screenshot(english, 'planning-week-en');

    const tablet = await ctx.pageAs(admin, { viewport: { width: 768, height: 1024 } });
    await tablet.goto(ctx.url('/dashboard/planning?week=2026-12-14'));
    await dayOf(tablet, 'mer. 16 déc.').getByText('Conflit formateur').first().waitFor();
    expect(await tablet.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await screenshot(tablet, 'planning-week-768');
  }, 300_000);

  it('lets a teacher read the schedule and the planning without the controls that write', async () => {
    const organization = await createOrganization(ctx.db);
    const teacher = await createStaff(ctx.db, organization.id, 'teacher', { fullName: 'Nadia Formatrice' });
    const formation = await ctx.db.insertInto('formations').values({ organization_id: organization.id, code: 'FRM-RO', name: 'Lecture seule' }).returning('id').executeTakeFirstOrThrow();
    const session = await ctx.db.insertInto('sessions').values({
      organization_id: organization.id, formation_id: formation.id, name: 'Session consultée', start_date: '2026-12-14', end_date: '2026-12-15', teacher_id: teacher.id, location: 'Salle 4',
    }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('session_slots').values([
      { organization_id: organization.id, session_id: session.id, date: '2026-12-14', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' },
      { organization_id: organization.id, session_id: session.id, date: '2026-12-15', start_time: '13:30', end_time: '17:00', part_of_day: 'afternoon', status: 'cancelled', cancellation_reason: 'Salle indisponible' },
    ]).execute();
    const page = await ctx.pageAs(teacher);

    await page.goto(ctx.url(`/dashboard/sessions/${session.id}/planning`));
    await page.getByRole('row', { name: /09:00–12:30/ }).waitFor();
    await page.getByRole('row', { name: /13:30–17:00.*Annulé.*Salle indisponible/ }).waitFor();
    await tabRegion(page).getByText('2 créneaux · 3,5 h prévues · 1 annulé(s)').waitFor();
    for (const name of ['+ Ajouter un créneau', 'Générer…', 'Modifier', 'Supprimer']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Planning' }).click();
    await page.waitForURL(/\/dashboard\/planning$/);
    await page.goto(ctx.url('/dashboard/planning?week=2026-12-14'));
    const cancelled = blocksOf(dayOf(page, 'mar. 15 déc.'), 'Session consultée');
    await cancelled.getByText('Annulé').waitFor();
    expect(await cancelled.getAttribute('class')).toContain('is-cancelled');
    expect(await page.getByLabel('Formateur').count()).toBe(0);
  });
});
