/**
 * Scenario 1, the upgrade guide's post-migration checklist through the UI, as an administrator:
 * programme → formation → session → enrollment → attendance → grade, then the programme and
 * formation filters. Scenario 4: bad input in each form shows the field error and creates nothing.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, screenshot } from '../support/browser';
import { createOrganization, createStaff } from '../support/factories';

async function count(db: Parameters<typeof createOrganization>[0], table: 'programs' | 'formations' | 'sessions' | 'students' | 'users' | 'grades', organizationId: string) {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('organization_id', '=', organizationId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function saveDialog(page: Page) {
  await page.getByRole('dialog').getByRole('button', { name: 'Enregistrer' }).click();
}

describeBrowser('post-migration checklist through the dashboard', (ctx) => {
  it('creates a programme, a formation, a session, enrolls, marks attendance, grades, and finds them by filter', async () => {
    const organization = await createOrganization(ctx.db, { name: 'Centre Lumière Test' });
    const admin = await createStaff(ctx.db, organization.id, 'admin', { fullName: 'Claire Admin' });
    const teacher = await createStaff(ctx.db, organization.id, 'teacher', { fullName: 'Julien Formateur' });
    await ctx.db.insertInto('students').values({ organization_id: organization.id, first_name: 'Camille', last_name: 'Martin', student_number: 'STG-CHK-1', email: 'camille@example.test' }).execute();
    const page = await ctx.pageAs(admin);

    // Programme
    await page.goto(ctx.url('/dashboard/programs'));
    await page.getByRole('button', { name: /Nouveau programme/ }).click();
    const programDialog = page.getByRole('dialog');
    await programDialog.getByRole('textbox', { name: 'Code', exact: true }).fill('PRG-CHK');
    await programDialog.getByLabel('Nom').fill('Programme de vérification');
    await programDialog.getByLabel('Catégorie').fill('Qualité');
    await saveDialog(page);
    await page.getByRole('link', { name: 'Programme de vérification', exact: true }).waitFor();
    await screenshot(page, 'programs-list');

    // Formation linked to it
    await page.goto(ctx.url('/dashboard/formations/new'));
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill('FRM-CHK');
    await page.getByLabel('Programme').selectOption({ label: 'Programme de vérification' });
    await page.getByRole('textbox', { name: 'Nom', exact: true }).fill('Formation Excel vérifiée');
    await page.getByLabel('Durée en heures').fill('14');
    await page.getByLabel('Prix (HT)').fill('890,50');
    await page.getByLabel('Éligible au CPF').check();
    await screenshot(page, 'formation-form');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: 'Formation Excel vérifiée', level: 1 }).waitFor();
    expect(await page.getByText('890,50 €').count()).toBeGreaterThan(0);

    // Session of that formation
    await page.getByRole('button', { name: /Nouvelle session/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Nom').fill('Session Printemps');
    await dialog.getByLabel('Date de début').fill('2025-03-03');
    await dialog.getByLabel('Date de fin').fill('2025-03-04');
    await dialog.getByLabel('Formateur').selectOption({ label: 'Julien Formateur' });
    await dialog.getByLabel('Capacité maximale').fill('12');
    await dialog.getByLabel('Lieu').fill('Salle 2');
    // The planning: weekdays, morning and afternoon at the organisation's hours, no Sunday, no holiday.
    const planning = dialog.getByRole('group', { name: 'Planning' });
    for (const day of ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi']) expect(await planning.getByLabel(day, { exact: true }).isChecked(), day).toBe(true);
    for (const day of ['Samedi', 'Dimanche']) expect(await planning.getByLabel(day, { exact: true }).isChecked(), day).toBe(false);
    expect(await planning.getByLabel('Matin', { exact: true }).isChecked()).toBe(true);
    expect(await planning.getByLabel('Après-midi', { exact: true }).isChecked()).toBe(true);
    expect(await planning.getByLabel('Soir', { exact: true }).isChecked()).toBe(false);
    expect([await planning.getByLabel('Matin : début').inputValue(), await planning.getByLabel('Matin : fin').inputValue()]).toEqual(['09:00', '12:30']);
    expect([await planning.getByLabel('Après-midi : début').inputValue(), await planning.getByLabel('Après-midi : fin').inputValue()]).toEqual(['13:30', '17:00']);
    expect(await planning.getByLabel('Soir : début').isDisabled()).toBe(true);
    expect(await planning.getByLabel('Sauter les dimanches et jours fériés').isChecked()).toBe(true);
    expect(await planning.getByLabel('Horaires pas encore connus').isChecked()).toBe(false);
    await planning.getByText('Ce planning crée 4 créneaux · 14 h prévues.').waitFor();
    await screenshot(page, 'session-create-dialog');
    await planning.getByLabel('Sauter les dimanches et jours fériés').scrollIntoViewIfNeeded();
    await screenshot(page, 'session-create-dialog-planning');
    await saveDialog(page);
    await page.getByRole('heading', { name: /Session Printemps/, level: 1 }).waitFor();
    const sessionUrl = page.url();
    expect(sessionUrl).toMatch(/\/dashboard\/sessions\/[0-9a-f-]{36}$/);
    await page.getByText('4 créneaux · 14 h prévues').waitFor();

    // Enroll a student
    await page.getByLabel('Rechercher un stagiaire').fill('Camil');
    await page.getByRole('button', { name: 'Inscrire Camille Martin' }).click();
    await page.getByText('Camille Martin est inscrit(e).').waitFor();
    await page.getByRole('region', { name: 'Inscrits confirmés' }).getByText('Camille Martin').waitFor();
    await screenshot(page, 'session-roster');

    // Attendance on the slots the planning made
    await page.getByRole('link', { name: 'Émargement / présence' }).click();
    await page.getByRole('button', { name: /Marquer tous présents : 3 mars 2025 Matin 09:00–12:30/ }).click();
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Matin 09:00–12:30 : Présent/ }).waitFor();
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Après-midi 13:30–17:00 : Non renseigné/ }).click();
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Après-midi 13:30–17:00 : Présent/ }).waitFor();
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Après-midi 13:30–17:00 : Présent/ }).click();
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Après-midi 13:30–17:00 : Absent/ }).waitFor();
    await page.getByRole('button', { name: /Retard et remarque : Camille Martin, 4 mars 2025 Matin 09:00–12:30/ }).click();
    await page.getByRole('dialog').getByLabel('Statut').selectOption('late');
    await page.getByRole('dialog').getByLabel('Minutes de retard').fill('15');
    await page.getByRole('dialog').getByLabel('Remarque').fill('Train en retard');
    await saveDialog(page);
    await page.getByRole('button', { name: /Camille Martin, 4 mars 2025 Matin 09:00–12:30 : Retard/ }).waitFor();
    // 210 + 195 of 840 minutes; 2 of the 3 marked slots attended.
    const totals = page.getByRole('row', { name: /Camille Martin/ }).getByRole('cell').last();
    await totals.getByText(/^6,75 h suivies sur 14 h prévues \(48\s%\sdes heures prévues\)$/).waitFor();
    await totals.getByText(/^67\s%\sdes créneaux saisis \(2 sur 3\)$/).waitFor();
    await screenshot(page, 'session-attendance');
    const markRows = () => ctx.db.selectFrom('attendance').innerJoin('session_slots', 'session_slots.id', 'attendance.slot_id')
      .select(['attendance.date', 'session_slots.part_of_day', 'attendance.status', 'attendance.late_minutes'])
      .where('attendance.organization_id', '=', organization.id).orderBy('attendance.date').orderBy('session_slots.start_time').execute();
    expect((await markRows()).map((mark) => [mark.date, mark.part_of_day, mark.status, mark.late_minutes])).toEqual([
      ['2025-03-03', 'morning', 'present', null], ['2025-03-03', 'afternoon', 'absent', null], ['2025-03-04', 'morning', 'late', 15],
    ]);
    // A mark given by mistake is taken away: the slot is "not marked" again.
    await page.getByRole('button', { name: /Retard et remarque : Camille Martin, 3 mars 2025 Après-midi 13:30–17:00/ }).click();
    await page.getByRole('dialog').getByLabel('Statut').selectOption({ label: 'Non renseigné' });
    await page.getByRole('dialog').getByLabel('Remarque').waitFor({ state: 'detached' });
    await saveDialog(page);
    await page.getByRole('button', { name: /Camille Martin, 3 mars 2025 Après-midi 13:30–17:00 : Non renseigné/ }).waitFor();
    expect((await markRows()).map((mark) => [mark.date, mark.part_of_day, mark.status])).toEqual([['2025-03-03', 'morning', 'present'], ['2025-03-04', 'morning', 'late']]);

    // A grade
    await page.getByRole('link', { name: 'Notes' }).click();
    await page.getByLabel('Matière / épreuve').fill('Évaluation finale');
    await page.getByLabel('Coefficient').fill('2');
    await page.getByLabel('Note de Camille Martin').fill('15,5');
    await page.getByLabel('Appréciation de Camille Martin').fill('Très bon travail');
    await page.getByRole('button', { name: 'Enregistrer les notes' }).click();
    await page.getByText('1 note(s) enregistrée(s).').waitFor();
    await page.getByRole('cell', { name: '15,5 / 20' }).waitFor();
    await screenshot(page, 'session-grades');

    // The formation under the programme filter, the session under the formation filter
    await page.goto(ctx.url('/dashboard/formations'));
    await page.getByLabel('Programme').selectOption({ label: 'Programme de vérification' });
    await page.waitForURL(/program_id=[0-9a-f-]{36}/);
    await page.getByRole('link', { name: 'Formation Excel vérifiée', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Formation Excel vérifiée', exact: true }).waitFor();
    // The programme picker keeps the filter from the URL once its options have loaded.
    await expect.poll(() => page.getByLabel('Programme').inputValue()).toMatch(/[0-9a-f-]{36}/);
    await screenshot(page, 'formations-filtered');
    await page.getByLabel('Programme').selectOption({ label: 'Sans programme' });
    await page.getByText('Aucune formation ne correspond.').waitFor();

    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByLabel('Formation').selectOption({ label: 'Formation Excel vérifiée' });
    await page.waitForURL(/formation_id=[0-9a-f-]{36}/);
    const row = page.getByRole('row', { name: /Session Printemps/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('1 / 12');
    await screenshot(page, 'sessions-filtered');
    void teacher;
  });

  it('shows the field error and creates nothing when a form gets bad input', async () => {
    const organization = await createOrganization(ctx.db);
    const admin = await createStaff(ctx.db, organization.id, 'admin');
    const program = await ctx.db.insertInto('programs').values({ organization_id: organization.id, code: 'PRG-BAD', name: 'Programme existant' }).returning('id').executeTakeFirstOrThrow();
    const formation = await ctx.db.insertInto('formations').values({ organization_id: organization.id, code: 'FRM-BAD', name: 'Formation existante', program_id: program.id }).returning('id').executeTakeFirstOrThrow();
    const session = await ctx.db.insertInto('sessions').values({ organization_id: organization.id, formation_id: formation.id, name: 'Session existante', start_date: '2025-03-03', end_date: '2025-03-04', capacity_max: 5 }).returning('id').executeTakeFirstOrThrow();
    const student = await ctx.db.insertInto('students').values({ organization_id: organization.id, first_name: 'Inès', last_name: 'Durand' }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments').values({ organization_id: organization.id, session_id: session.id, student_id: student.id, status: 'confirmed' }).execute();
    const before = {
      programs: await count(ctx.db, 'programs', organization.id),
      formations: await count(ctx.db, 'formations', organization.id),
      sessions: await count(ctx.db, 'sessions', organization.id),
      students: await count(ctx.db, 'students', organization.id),
      users: await count(ctx.db, 'users', organization.id),
      grades: await count(ctx.db, 'grades', organization.id),
    };
    const page = await ctx.pageAs(admin);

    // Programme: bad code, then a duplicate code (409 explained on the field)
    await page.goto(ctx.url('/dashboard/programs'));
    await page.getByRole('button', { name: /Nouveau programme/ }).click();
    const programDialog = page.getByRole('dialog');
    await programDialog.getByRole('textbox', { name: 'Code', exact: true }).fill('pas un code !');
    await saveDialog(page);
    await programDialog.getByRole('alert').first().waitFor();
    expect(await programDialog.getByRole('textbox', { name: 'Code', exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await programDialog.getByLabel('Nom').getAttribute('aria-invalid')).toBe('true');
    await programDialog.getByRole('textbox', { name: 'Code', exact: true }).fill('PRG-BAD');
    await programDialog.getByLabel('Nom').fill('Doublon');
    await saveDialog(page);
    await page.getByText(/Cette valeur existe déjà/).waitFor();
    await screenshot(page, 'program-form-errors');
    await page.keyboard.press('Escape');

    // Formation: ages in the wrong order
    await page.goto(ctx.url('/dashboard/formations/new'));
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill('FRM-AGES');
    await page.getByRole('textbox', { name: 'Nom', exact: true }).fill('Formation aux âges inversés');
    await page.getByLabel('Âge minimum').fill('40');
    await page.getByLabel('Âge maximum').fill('18');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('L’âge minimum doit être inférieur ou égal à l’âge maximum.').waitFor();
    await screenshot(page, 'formation-form-errors');

    // Session: end before start
    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('button', { name: /Nouvelle session/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Formation').selectOption({ label: 'Formation existante (FRM-BAD)' });
    await dialog.getByLabel('Nom').fill('Session à l’envers');
    await dialog.getByLabel('Date de début').fill('2026-05-10');
    await dialog.getByLabel('Date de fin').fill('2026-05-01');
    await saveDialog(page);
    await dialog.getByText('La date de fin doit être postérieure ou égale à la date de début.').waitFor();
    await screenshot(page, 'session-form-errors');
    await page.keyboard.press('Escape');

    // Student: a bad e-mail
    await page.goto(ctx.url('/dashboard/students'));
    await page.getByRole('button', { name: /Nouveau stagiaire/ }).click();
    const studentDialog = page.getByRole('dialog');
    await studentDialog.getByLabel('Prénom').fill('Léa');
    await studentDialog.getByRole('textbox', { name: 'Nom', exact: true }).fill('Petit');
    await studentDialog.getByLabel('E-mail').fill('lea@');
    await saveDialog(page);
    expect(await page.getByRole('dialog').getByLabel('E-mail').getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');

    // User: a password too short
    await page.goto(ctx.url('/dashboard/users'));
    await page.getByRole('button', { name: /Nouvel utilisateur/ }).click();
    await page.getByRole('dialog').getByLabel('E-mail').fill('nouveau@example.test');
    await page.getByRole('dialog').getByLabel('Mot de passe').fill('court');
    await saveDialog(page);
    expect(await page.getByRole('dialog').getByLabel('Mot de passe').getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');

    // Grade above the scale
    await page.goto(ctx.url(`/dashboard/sessions/${session.id}/grades`));
    await page.getByLabel('Matière / épreuve').fill('Partiel');
    await page.getByLabel('Note de Inès Durand').fill('25');
    await page.getByRole('button', { name: 'Enregistrer les notes' }).click();
    await page.getByText('La note doit être comprise entre 0 et la note maximale.').waitFor();
    await screenshot(page, 'grades-errors');

    expect({
      programs: await count(ctx.db, 'programs', organization.id),
      formations: await count(ctx.db, 'formations', organization.id),
      sessions: await count(ctx.db, 'sessions', organization.id),
      students: await count(ctx.db, 'students', organization.id),
      users: await count(ctx.db, 'users', organization.id),
      grades: await count(ctx.db, 'grades', organization.id),
    }).toEqual(before);
  });
});
