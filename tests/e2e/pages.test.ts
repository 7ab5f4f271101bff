/**
 * The overview's attendance still to mark, deleting a learner, the CSV exports of a session's
 * roster and attendance, and a cancelled session's read-only attendance and grades.
 */
import { expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { localDateTime } from '../../src/features/attendance';
import { ATTENDANCE_COLUMNS, ENROLLMENT_COLUMNS } from '../../src/features/exports/export.service';
import { describeBrowser, screenshot } from '../support/browser';
import { createTenant } from '../support/factories';

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/** The latest weekday before today in Paris: its half-days are over. */
function lastWeekday(): string {
  let date = addDays(localDateTime(new Date(), 'Europe/Paris').slice(0, 10), -1);
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
  it('lists the ended half-days still to mark on the overview and links to the attendance tab', async () => {
    const tenant = await createTenant(ctx.db);
    const day = lastWeekday();
    const session = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session à émarger',
      start_date: day, end_date: day, teacher_id: tenant.teacher.id,
    }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: session.id, student_id: tenant.student.id, status: 'confirmed' }).execute();
    await ctx.db.insertInto('attendance').values({ organization_id: tenant.organization.id, session_id: session.id, student_id: tenant.student.id, date: day, slot: 'am', status: 'present' }).execute();
    const page = await ctx.pageAs(tenant.secretary);

    await page.goto(ctx.url('/dashboard'));
    const toMark = page.getByRole('region', { name: 'Émargement à compléter' });
    const markLink = toMark.getByRole('link', { name: /^Émarger : Session à émarger, .* Après-midi$/ });
    await markLink.waitFor();
    expect(await toMark.getByText('1 / 1 non émargé(s)').count()).toBe(1);
    // The morning is marked: only the afternoon is due.
    expect(await toMark.getByRole('link', { name: /Session à émarger, .* Matin$/ }).count()).toBe(0);
    await screenshot(page, 'overview-attendance-due');
    await markLink.click();
    await page.waitForURL(new RegExp(`/dashboard/sessions/${session.id}/attendance$`));
    await page.getByRole('button', { name: /Camille Martin, .* Après-midi : Non renseigné/ }).click();
    await page.getByRole('button', { name: /Camille Martin, .* Après-midi : Présent/ }).waitFor();

    await page.getByRole('link', { name: 'Tableau de bord' }).click();
    await toMark.getByText('Aucune demi-journée passée à émarger.').waitFor();
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
