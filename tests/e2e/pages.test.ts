/**
 * The overview's attendance still to mark, a slot not started yet and the totals of the
 * attendance grid, a session's planning and its dates, deleting a learner, the CSV exports of a
 * session's roster and attendance, and a cancelled session's read-only attendance and grades.
 */
import { expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { localDateTime } from '../../src/features/attendance';
import { ATTENDANCE_COLUMNS, ENROLLMENT_COLUMNS } from '../../src/features/exports/export.service';
import { describeBrowser, screenshot } from '../support/browser';
import { createTenant } from '../support/factories';
import { insertSlots, slotAt } from '../support/slot-factories';

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

function todayInParis(): string {
  return localDateTime(new Date(), 'Europe/Paris').slice(0, 10);
}

/** The latest weekday before today in Paris: its slots are over. */
function lastWeekday(): string {
  let date = addDays(todayInParis(), -1);
  while ([0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay())) date = addDays(date, -1);
  return date;
}

/** Clicks a download link and returns the file it saved, as text. */
async function download(page: Page, linkName: string): Promise<{ filename: string; content: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName, exact: true }).click()]);
  const path = await file.path();
  return { filename: file.suggestedFilename(), content: await readFile(path, 'utf8') };
}

describeBrowser('overview, students and exports', (ctx) => {
  it('lists the ended slots still to mark on the overview and links to the attendance tab', async () => {
    const tenant = await createTenant(ctx.db);
    const day = lastWeekday();
    const session = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session à émarger',
      start_date: day, end_date: day, teacher_id: tenant.teacher.id,
    }).returningAll().executeTakeFirstOrThrow();
    // Even on a public holiday: the slots are there, whatever the calendar says.
    const slots = await insertSlots(ctx.db, session, { skip_non_working_days: false });
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: session.id, student_id: tenant.student.id, status: 'confirmed' }).execute();
    await ctx.db.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: session.id, slot_id: slotAt(slots, day, 'morning').id, student_id: tenant.student.id, date: day, status: 'present',
    }).execute();
    const page = await ctx.pageAs(tenant.secretary);

    await page.goto(ctx.url('/dashboard'));
    const toMark = page.getByRole('region', { name: 'Émargement à compléter' });
    const markLink = toMark.getByRole('link', { name: /^Émarger : Session à émarger, .* Après-midi 13:30–17:00$/ });
    await markLink.waitFor();
    expect(await toMark.getByText('1 / 1 non émargé(s)').count()).toBe(1);
    expect(await toMark.getByText(/Après-midi 13:30–17:00/).count()).toBe(1);
    // The morning is marked: only the afternoon is due.
    expect(await toMark.getByRole('link', { name: /Session à émarger, .* Matin/ }).count()).toBe(0);
    await screenshot(page, 'overview-attendance-due');
    await markLink.click();
    await page.waitForURL(new RegExp(`/dashboard/sessions/${session.id}/attendance$`));
    await page.getByRole('button', { name: /Camille Martin, .* Après-midi 13:30–17:00 : Non renseigné/ }).click();
    await page.getByRole('button', { name: /Camille Martin, .* Après-midi 13:30–17:00 : Présent/ }).waitFor();

    await page.getByRole('link', { name: 'Tableau de bord' }).click();
    await toMark.getByText('Aucun créneau passé à émarger.').waitFor();
  });

  it('shows a slot not started yet that cannot be marked, and totals that name what they divide', async () => {
    const tenant = await createTenant(ctx.db);
    const past = lastWeekday();
    const future = addDays(todayInParis(), 30);
    const session = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session du soir',
      start_date: past, end_date: future, teacher_id: tenant.teacher.id,
    }).returningAll().executeTakeFirstOrThrow();
    const [ended] = await insertSlots(ctx.db, session, {
      to: past, weekdays: [1, 2, 3, 4, 5, 6, 7], skip_non_working_days: false, module_title: 'Tableaux croisés dynamiques et mise en forme conditionnelle',
      parts: [{ part_of_day: 'morning', start_time: '09:00', end_time: '12:30' }],
    });
    const slots = await insertSlots(ctx.db, session, {
      from: future, weekdays: [1, 2, 3, 4, 5, 6, 7], skip_non_working_days: false,
      parts: [{ part_of_day: 'evening', start_time: '18:00', end_time: '21:00' }],
    });
    const evening = slotAt(slots, future, 'evening');
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: session.id, student_id: tenant.student.id, status: 'confirmed' }).execute();
    await ctx.db.insertInto('attendance').values({
      organization_id: tenant.organization.id, session_id: session.id, slot_id: ended!.id, student_id: tenant.student.id, date: past, status: 'present',
    }).execute();

    for (const viewport of [{ width: 1280, height: 800 }, { width: 768, height: 1024 }]) {
      const page = await ctx.pageAs(tenant.secretary, { viewport });
      await page.goto(ctx.url(`/dashboard/sessions/${session.id}/attendance`));
      // The evening slot is a column of its own, with its hours, and says it has not started.
      const header = page.getByRole('columnheader', { name: /Soir/ });
      await header.getByText('18:00–21:00').waitFor();
      await header.getByText('Pas encore commencé').waitFor();
      expect(await header.getByRole('button').count()).toBe(0);
      await page.getByRole('columnheader', { name: /Matin/ }).getByText('Tableaux croisés dynamiques et mise en forme conditionnelle').waitFor();
      expect(await page.getByRole('button', { name: /^Marquer tous présents : / }).count()).toBe(1);
      // Its cell is there but cannot be marked, and says why.
      const cell = page.getByRole('button', { name: /^Camille Martin, .* Soir 18:00–21:00 : Non renseigné, pas encore commencé\.$/ });
      expect(await cell.isDisabled()).toBe(true);
      expect(await cell.getAttribute('title')).toMatch(/^Créneau pas encore commencé : l’émargement ouvre à 18:00, /);
      expect(await page.getByRole('button', { name: /Retard et remarque : Camille Martin, .* Soir/ }).count()).toBe(0);
      await cell.click({ force: true });
      // 3.5 h of 6.5 h planned; 1 of the 1 marked slot attended.
      const totals = page.getByRole('row', { name: /Camille Martin/ }).getByRole('cell').last();
      await totals.getByText(/^3,5 h suivies sur 6,5 h prévues \(54\s%\sdes heures prévues\)$/).waitFor();
      await totals.getByText(/^100\s%\sdes créneaux saisis \(1 sur 1\)$/).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, `attendance-slots-fr-${viewport.width}`);

      const english = await ctx.pageAs(tenant.secretary, { viewport, language: 'en' });
      await english.goto(ctx.url(`/dashboard/sessions/${session.id}/attendance`));
      await english.getByRole('columnheader', { name: /Evening/ }).getByText('Not started yet').waitFor();
      const englishCell = english.getByRole('button', { name: /^Camille Martin, .* Evening 18:00–21:00: Not marked, not started yet\.$/ });
      expect(await englishCell.isDisabled()).toBe(true);
      // English words, the organisation's French decimal comma.
      const englishTotals = english.getByRole('row', { name: /Camille Martin/ }).getByRole('cell').last();
      await englishTotals.getByText(/^3,5 h attended of 6,5 h planned \(54% of planned hours\)$/).waitFor();
      await englishTotals.getByText(/^100% of marked slots \(1 of 1\)$/).waitFor();
      await screenshot(english, `attendance-slots-en-${viewport.width}`);
    }
    expect(await ctx.db.selectFrom('attendance').select('id').where('slot_id', '=', evening.id).execute()).toHaveLength(0);
  });

  it('creates a session whose hours are not known yet, and refuses dates that would leave slots outside', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.admin, { viewport: { width: 768, height: 1024 } });
    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('button', { name: /Nouvelle session/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Formation').selectOption({ label: `${tenant.formation.name} (${tenant.formation.code})` });
    await dialog.getByLabel('Nom').fill('Session sans horaires');
    await dialog.getByLabel('Date de début').fill('2026-09-07');
    await dialog.getByLabel('Date de fin').fill('2026-09-11');
    // An evening too: 5 days of three slots, 10 h a day.
    await dialog.getByLabel('Soir', { exact: true }).check();
    await dialog.getByText('Ce planning crée 15 créneaux · 50 h prévues.').waitFor();
    await screenshot(page, 'session-create-dialog-768');
    await dialog.getByLabel('Horaires pas encore connus').check();
    expect(await dialog.getByLabel('Lundi').isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: /Session sans horaires/, level: 1 }).waitFor();
    await page.getByText('Horaires à définir').waitFor();
    const created = await ctx.db.selectFrom('sessions').select('id').where('organization_id', '=', tenant.organization.id).where('name', '=', 'Session sans horaires').executeTakeFirstOrThrow();
    expect(await ctx.db.selectFrom('session_slots').select('id').where('session_id', '=', created.id).execute()).toHaveLength(0);

    // The test session has a slot on 2 March: starting on the 3rd would leave it outside.
    await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}`));
    await page.getByText('1 créneau · 3,5 h prévues').waitFor();
    await page.getByRole('button', { name: 'Modifier' }).click();
    const edit = page.getByRole('dialog', { name: 'Modifier la session' });
    expect(await edit.getByRole('group', { name: 'Planning' }).count()).toBe(0);
    await edit.getByLabel('Date de début').fill('2026-03-03');
    await edit.getByRole('button', { name: 'Enregistrer' }).click();
    await edit.getByText('Des créneaux du planning tombent en dehors de ces dates : déplacez-les ou supprimez-les d’abord. (1)').waitFor();
    expect(await edit.getByLabel('Date de début').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'session-dates-refused');
    const stored = await ctx.db.selectFrom('sessions').select('start_date').where('id', '=', tenant.session.id).executeTakeFirstOrThrow();
    expect(stored.start_date).toBe('2026-03-02');
  });

  it('deletes a learner after confirmation, and explains in words why one with enrollments cannot be', async () => {
    const tenant = await createTenant(ctx.db);
    const loose = await ctx.db.insertInto('students').values({ organization_id: tenant.organization.id, first_name: 'Léon', last_name: 'Sansdossier', student_number: 'STG-DEL-1' })
      .returning('id').executeTakeFirstOrThrow();
    const page = await ctx.pageAs(tenant.admin);
    await page.goto(ctx.url('/dashboard/students'));

    // Camille Martin has an enrollment, a mark and a grade: refused, and nothing changes.
    await page.getByRole('button', { name: 'Supprimer Camille Martin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Supprimer le stagiaire ?' });
    await dialog.getByText('Le stagiaire « Camille Martin » sera supprimé.').waitFor();
    await dialog.getByRole('button', { name: 'Supprimer' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Suppression impossible : 1 inscription(s), 1 présence(s) enregistrée(s), 1 note(s) y sont encore rattaché(e)s. '
      + 'Pour le retirer des listes sans perdre son historique, passez-le plutôt au statut « Inactif ».');
    await screenshot(page, 'student-delete-refused');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    expect(await ctx.db.selectFrom('students').select('id').where('id', '=', tenant.student.id).execute()).toHaveLength(1);

    // Cancelling the confirmation deletes nothing; confirming deletes.
    await page.getByRole('button', { name: 'Supprimer Léon Sansdossier' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Annuler' }).click();
    expect(await ctx.db.selectFrom('students').select('id').where('id', '=', loose.id).execute()).toHaveLength(1);
    await page.getByRole('button', { name: 'Supprimer Léon Sansdossier' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
    await page.getByText('Suppression effectuée.').waitFor();
    await page.getByText('STG-DEL-1').waitFor({ state: 'detached' });
    expect(await ctx.db.selectFrom('students').select('id').where('id', '=', loose.id).execute()).toHaveLength(0);
    await page.getByText(tenant.student.student_number!, { exact: true }).waitFor();
  });

  it('deletes a programme after confirmation, and explains why a formation with sessions cannot be deleted', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.admin);

    // A formation with a session: refused in words, and it stays.
    await page.goto(ctx.url(`/dashboard/formations/${tenant.formation.id}`));
    await page.getByRole('heading', { name: tenant.formation.name, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Supprimer', exact: true }).click();
    await page.getByRole('dialog', { name: 'Supprimer la formation ?' }).getByRole('button', { name: 'Supprimer' }).click();
    await page.getByText(/Suppression impossible/).waitFor();
    expect(await ctx.db.selectFrom('formations').select('id').where('id', '=', tenant.formation.id).execute()).toHaveLength(1);

    // A programme: deleted, its formation kept without programme.
    await page.goto(ctx.url('/dashboard/programs'));
    await page.getByRole('button', { name: `Supprimer ${tenant.program.name}` }).click();
    await page.getByRole('dialog', { name: 'Supprimer le programme ?' }).getByRole('button', { name: 'Supprimer' }).click();
    await page.getByText('Suppression effectuée.').waitFor();
    expect(await ctx.db.selectFrom('programs').select('id').where('id', '=', tenant.program.id).execute()).toHaveLength(0);
    const formation = await ctx.db.selectFrom('formations').select('program_id').where('id', '=', tenant.formation.id).executeTakeFirstOrThrow();
    expect(formation.program_id).toBeNull();
  });

  it('downloads the enrollments CSV from the roster tab and the attendance CSV from the attendance tab', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.secretary);
    await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}`));
    await page.getByRole('region', { name: 'Inscrits confirmés' }).getByText('Camille Martin').waitFor();
    await screenshot(page, 'roster-export');

    const enrollments = await download(page, 'Exporter les inscriptions en CSV');
    expect(enrollments.filename).toMatch(/\.csv$/);
    expect(enrollments.content.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(ENROLLMENT_COLUMNS.join(';'));
    expect(enrollments.content).toContain(tenant.student.student_number!);

    await page.getByRole('link', { name: 'Émargement / présence' }).click();
    await page.getByRole('heading', { name: 'Feuille d’émargement' }).waitFor();
    const attendance = await download(page, 'Exporter en CSV');
    expect(attendance.filename).toMatch(/\.csv$/);
    expect(attendance.content.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(ATTENDANCE_COLUMNS.join(';'));
    expect(attendance.content).toContain('Martin');
  });

  it('shows a cancelled session’s attendance and grades read only', async () => {
    const tenant = await createTenant(ctx.db);
    await ctx.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', tenant.session.id).execute();
    const page = await ctx.pageAs(tenant.admin);
    await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}/attendance`));
    await page.getByRole('note').getByText('Session annulée : l’émargement et les notes se consultent, ils ne se saisissent plus.').waitFor();
    // The existing mark is shown; no cell can be changed and no half-day marked at once.
    const mark = page.getByRole('button', { name: /Camille Martin, .* : Présent/ });
    expect(await mark.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /Marquer tous présents/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Notes' }).click();
    await page.getByRole('note').getByText(/Session annulée/).waitFor();
    expect(await page.getByRole('button', { name: 'Enregistrer les notes' }).count()).toBe(0);
    await screenshot(page, 'cancelled-session-grades');
  });
});
