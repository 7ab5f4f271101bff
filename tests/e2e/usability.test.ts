/**
 * The dashboard in English (no French left, regional formats of the organisation), on tablets
 * (nothing wider than the screen but the tables' own scroll areas, the menu reachable), and
 * with the keyboard alone (log in, reach a session; every session field has a label).
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { en } from '../../src/web/lib/i18n/en';
import { fr } from '../../src/web/lib/i18n/fr';
import { describeBrowser, screenshot } from '../support/browser';
import { TEST_PASSWORD, createTenant } from '../support/factories';
import { insertSlots } from '../support/slot-factories';

/** French dictionary texts that English never uses: any of them on an English page is a leftover. */
const FRENCH_ONLY = [...new Set(Object.entries(fr)
  .filter(([key, text]) => !text.includes('{') && text.length >= 4 && text !== en[key as keyof typeof en])
  .map(([, text]) => text)
  .filter((text) => !Object.values(en).some((english) => english.includes(text))))];

async function frenchLeftOn(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  const leftovers = FRENCH_ONLY.filter((french) => new RegExp(`(^|[^\\p{L}])${french.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
  // Accented letters and French quotes only appear in French (the test data is in English).
  const accented = text.match(/[^\n]*[éèêàùçœ«»][^\n]*/g) ?? [];
  // French typography: a space before a colon or a semicolon.
  const spacedColons = text.match(/[^\n]*\s[:;](?=\s|$)[^\n]*/g) ?? [];
  return [...leftovers, ...accented, ...spacedColons];
}

/** A tenant whose data is in English, so that any French on the page comes from the dashboard. */
async function englishTenant(ctx: { db: Parameters<typeof createTenant>[0] }, overrides: { country?: string; currency?: string } = {}) {
  const tenant = await createTenant(ctx.db);
  await ctx.db.updateTable('organizations').set({ name: 'Horizon Training', ...overrides }).where('id', '=', tenant.organization.id).execute();
  await ctx.db.updateTable('programs').set({ name: 'Continuing education' }).where('id', '=', tenant.program.id).execute();
  await ctx.db.updateTable('formations').set({ name: 'Advanced spreadsheets', price: '1890.50', currency: overrides.currency ?? 'EUR' }).where('id', '=', tenant.formation.id).execute();
  await ctx.db.updateTable('sessions').set({ name: 'Spring run', location: 'Room 2' }).where('id', '=', tenant.session.id).execute();
  await ctx.db.updateTable('grades').set({ subject: 'Final assessment' }).where('id', '=', tenant.grade.id).execute();
  return tenant;
}

/** Presses Tab until `isTarget` holds for the focused element (at most `limit` times). */
async function tabTo(page: Page, isTarget: (element: { tag: string; text: string; label: string | null; type: string | null }) => boolean, limit = 40) {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return { tag: element?.tagName.toLowerCase() ?? '', text: element?.innerText?.trim() ?? '', label: element?.getAttribute('aria-label') ?? null, type: element?.getAttribute('type') ?? null };
    });
    if (isTarget(focused)) return;
  }
  throw new Error(`nothing matching was reached in ${limit} presses of Tab`);
}

describeBrowser('English, tablets and the keyboard', (ctx) => {
  it('shows the sessions list, a session’s tabs and the learners in English, with the organisation’s formats', async () => {
    const tenant = await englishTenant(ctx);
    await insertSlots(ctx.db, tenant.session);
    const page = await ctx.pageAs(tenant.admin, { language: 'en' });

    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /Spring run/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('2–6 Mar 2026');
    expect(await frenchLeftOn(page)).toEqual([]);

    await page.getByRole('link', { name: 'Spring run', exact: true }).click();
    await page.getByRole('heading', { name: /Spring run/, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Confirmed' }).getByText('Camille Martin').waitFor();
    expect(await frenchLeftOn(page)).toEqual([]);
    await page.getByRole('link', { name: 'Attendance', exact: true }).click();
    await page.getByRole('button', { name: /Camille Martin, .* Afternoon 13:30–17:00: Not marked/ }).first().waitFor();
    expect(await frenchLeftOn(page)).toEqual([]);
    await screenshot(page, 'english-session-attendance');
    await page.getByRole('link', { name: 'Grades', exact: true }).click();
    await page.getByText('Final assessment').first().waitFor();
    expect(await frenchLeftOn(page)).toEqual([]);
    await screenshot(page, 'english-session-grades');

    await page.goto(ctx.url('/dashboard/students'));
    await page.getByRole('heading', { name: 'Learners', level: 1 }).waitFor();
    await page.getByText(tenant.student.student_number!, { exact: true }).waitFor();
    expect(await frenchLeftOn(page)).toEqual([]);

    // Money: English words, the organisation's currency and regional format.
    await page.goto(ctx.url(`/dashboard/formations/${tenant.formation.id}`));
    await page.getByRole('heading', { name: 'Advanced spreadsheets', level: 1 }).waitFor();
    expect(await page.getByText('€1,890.50').count()).toBeGreaterThan(0);
    expect(await frenchLeftOn(page)).toEqual([]);
  });

  it('keeps day-first dates and the CFA franc for a Senegalese organisation, in English and in French', async () => {
    const tenant = await englishTenant(ctx, { country: 'SN', currency: 'XOF' });
    const english = await ctx.pageAs(tenant.admin, { language: 'en' });
    await english.goto(ctx.url('/dashboard/sessions'));
    const row = english.getByRole('row', { name: /Spring run/ });
    await row.waitFor();
    // Not the US order ("Mar 2 – 6, 2026") that a missing en-SN locale would fall back to.
    expect(await row.textContent()).toContain('2–6 Mar 2026');
    await english.goto(ctx.url(`/dashboard/formations/${tenant.formation.id}`));
    await english.getByRole('heading', { name: 'Advanced spreadsheets', level: 1 }).waitFor();
    expect(await english.getByText(/F\sCFA/).first().textContent()).toMatch(/1,891/);

    const french = await ctx.pageAs(tenant.admin);
    await french.goto(ctx.url(`/dashboard/formations/${tenant.formation.id}`));
    await french.getByRole('heading', { name: 'Advanced spreadsheets', level: 1 }).waitFor();
    expect(await french.getByText(/1\s891\sF\sCFA/).count()).toBeGreaterThan(0);
    // The leftover detector does see French when there is some.
    expect((await frenchLeftOn(french)).length).toBeGreaterThan(3);
  });

  it('fits tablets in portrait and landscape: no page-wide horizontal scroll, the menu opens from its toggle', async () => {
    const tenant = await createTenant(ctx.db);
    // Two weeks of slots: the attendance grid is wider than a tablet and scrolls in its own box.
    const session = await ctx.db.updateTable('sessions').set({ end_date: '2026-03-13' }).where('id', '=', tenant.session.id).returningAll().executeTakeFirstOrThrow();
    await insertSlots(ctx.db, session);
    for (const viewport of [{ width: 768, height: 1024 }, { width: 1024, height: 768 }]) {
      const page = await ctx.pageAs(tenant.admin, { viewport });
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.goto(ctx.url('/dashboard/sessions'));
      await page.getByRole('link', { name: 'Session test', exact: true }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, `tablet-${viewport.width}x${viewport.height}-sessions`);

      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      expect(await nav.getByRole('link', { name: 'Stagiaires' }).isVisible()).toBe(false);
      await page.getByRole('button', { name: /Menu/, exact: false }).first().click();
      await nav.getByRole('link', { name: 'Stagiaires' }).waitFor({ state: 'visible' });
      // Once slid in (the picture is of the open menu, not of its animation).
      await page.waitForFunction(() => document.querySelector('.sidebar')!.getBoundingClientRect().left >= 0);
      await screenshot(page, `tablet-${viewport.width}x${viewport.height}-menu`);
      await nav.getByRole('link', { name: 'Sessions' }).click();
      await nav.getByRole('link', { name: 'Stagiaires' }).waitFor({ state: 'hidden' });

      await page.goto(ctx.url(`/dashboard/sessions/${tenant.session.id}/attendance`));
      await page.getByRole('button', { name: /Camille Martin, 13 mars 2026 Après-midi 13:30–17:00 : / }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      // The grid itself is wider than the screen and scrolls inside its container.
      const grid = await page.getByRole('table').first().evaluate((table) => {
        const box = table.parentElement!;
        return { scrolls: box.scrollWidth > box.clientWidth, overflowX: getComputedStyle(box).overflowX };
      });
      expect(grid.scrolls).toBe(true);
      expect(['auto', 'scroll']).toContain(grid.overflowX);
      await screenshot(page, `tablet-${viewport.width}x${viewport.height}-attendance`);
    }
  });

  it('logs in, reaches the sessions and opens one with the keyboard alone; every session field has a label', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.newPage();
    await page.goto(ctx.url('/login'));
    await page.getByLabel('Adresse e-mail').waitFor();
    await tabTo(page, (element) => element.tag === 'input' && element.type === 'email');
    await page.keyboard.type(tenant.admin.email);
    await tabTo(page, (element) => element.tag === 'input' && element.type === 'password');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dashboard$/);

    await tabTo(page, (element) => element.tag === 'a' && element.text.endsWith('Sessions'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Session test', exact: true }).waitFor();
    await tabTo(page, (element) => element.tag === 'a' && element.text === 'Session test', 60);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Session test/, level: 1 }).waitFor();
    expect(page.url()).toContain(`/dashboard/sessions/${tenant.session.id}`);

    // The edit form: each control is found by its label, and there is no control without one.
    await tabTo(page, (element) => element.tag === 'button' && element.text === 'Modifier');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Nom').waitFor();
    const labels = ['Formation', 'Nom', 'Date de début', 'Date de fin', 'Formateur', 'Lieu', 'Capacité maximale', 'Statut'];
    // A required field's name carries its asterisk ("Nom *").
    for (const label of labels) expect(await dialog.getByLabel(new RegExp(`^${label}( \\*)?$`)).count(), label).toBe(1);
    // Editing has no planning: the slots are managed in the session's Planning tab.
    expect(await dialog.locator('input, select, textarea').count()).toBe(labels.length);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The new-session form adds its planning, every control of it labelled too.
    await page.goto(ctx.url('/dashboard/sessions'));
    await page.getByRole('button', { name: /Nouvelle session/ }).click();
    const creation = page.getByRole('dialog', { name: 'Nouvelle session' });
    await creation.getByLabel('Nom').waitFor();
    const weekdays = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'];
    const parts = ['Matin', 'Après-midi', 'Soir'].flatMap((part) => [part, `${part} : début`, `${part} : fin`]);
    const creationLabels = [...labels, 'Horaires pas encore connus', ...weekdays, ...parts, 'Sauter les dimanches et jours fériés'];
    for (const label of creationLabels) expect(await creation.getByLabel(new RegExp(`^${label}( \\*)?$`)).count(), label).toBe(1);
    expect(await creation.locator('input, select, textarea').count()).toBe(creationLabels.length);
    await page.keyboard.press('Escape');
    await creation.waitFor({ state: 'detached' });
  });
});
