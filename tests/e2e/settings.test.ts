/**
 * The organisation's usual hours through the settings page: an administrator sets the morning,
 * a refused value (an afternoon starting before the morning ends) is explained on its field and
 * changes nothing, and the next new session's planning is prefilled with the new hours at once.
 * The page in English, also on a tablet; a secretary has no settings entry and no settings page.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { type BrowserContextHandle, describeBrowser, screenshot } from '../support/browser';
import { createTenant } from '../support/factories';

/** The organisation as the API stores it, read with the page's own session. */
async function storedHours(ctx: BrowserContextHandle, page: Page) {
  const response = await page.request.get(ctx.url('/api/organization'));
  expect(response.status()).toBe(200);
  const { morning_start, morning_end, afternoon_start, afternoon_end, evening_start, evening_end } = await response.json();
  return { morning_start, morning_end, afternoon_start, afternoon_end, evening_start, evening_end };
}

describeBrowser('settings: the organisation’s usual hours', (ctx) => {
  it('lets an administrator set the morning to 08:30–12:00, refuses an afternoon overlapping it, and prefills new sessions with the new hours', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.admin);
    const navigation = page.getByRole('navigation', { name: 'Navigation principale' });

    await page.goto(ctx.url('/dashboard'));
    await navigation.getByRole('link', { name: 'Paramètres' }).click();
    await page.getByRole('heading', { name: 'Paramètres', level: 1 }).waitFor();
    const organization = page.getByRole('region', { name: 'Organisme' });
    await organization.getByText(tenant.organization.code, { exact: true }).waitFor();
    await organization.getByText(tenant.organization.name, { exact: true }).waitFor();
    expect(await organization.getByRole('textbox').count()).toBe(0);

    const hours = page.getByRole('group', { name: 'Horaires habituels' });
    await hours.getByText('Ces horaires préremplissent le planning des nouvelles sessions').waitFor();
    const morning = hours.getByRole('group', { name: 'Matin', exact: true });
    const afternoon = hours.getByRole('group', { name: 'Après-midi', exact: true });
    expect(await morning.getByLabel('Début').inputValue()).toBe('09:00');
    expect(await morning.getByLabel('Fin').inputValue()).toBe('12:30');
    await morning.getByLabel('Début').fill('08:30');
    await morning.getByLabel('Fin').fill('12:00');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Horaires habituels enregistrés.' }).waitFor();
    expect(await storedHours(ctx, page)).toEqual({
      morning_start: '08:30', morning_end: '12:00', afternoon_start: '13:30', afternoon_end: '17:00', evening_start: '18:00', evening_end: '21:00',
    });
    await screenshot(page, 'settings-fr');

    // An afternoon starting at 11:00, before the morning ends: refused on that field, nothing sent.
    await afternoon.getByLabel('Début').fill('11:00');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await afternoon.getByRole('alert').filter({ hasText: 'Les horaires doivent se suivre sans se chevaucher' }).waitFor();
    const refused = afternoon.getByLabel('Début');
    expect(await refused.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await refused.getAttribute('aria-describedby')}"]`).textContent()).toContain('se suivre');
    expect(await morning.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'settings-fr-refused');
    expect((await storedHours(ctx, page)).afternoon_start).toBe('13:30');
    // Cancel brings back the stored hours and drops the error.
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await afternoon.getByLabel('Début').inputValue()).toBe('13:30');
    expect(await morning.getByLabel('Début').inputValue()).toBe('08:30');
    expect(await hours.getByRole('alert').count()).toBe(0);

    // Without reloading the page, the new session dialog starts from the new hours.
    await navigation.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: /Nouvelle session/ }).click();
    const planning = page.getByRole('dialog').getByRole('group', { name: 'Planning' });
    expect(await planning.getByLabel('Matin : début').inputValue()).toBe('08:30');
    expect(await planning.getByLabel('Matin : fin').inputValue()).toBe('12:00');
    expect(await planning.getByLabel('Après-midi : début').inputValue()).toBe('13:30');
  });

  it('shows the page in English', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.admin, { language: 'en' });

    await page.goto(ctx.url('/dashboard/settings'));
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const hours = page.getByRole('group', { name: 'Usual hours' });
    expect(await hours.getByRole('group', { name: 'Evening', exact: true }).getByLabel('End').inputValue()).toBe('21:00');
    await hours.getByText('These hours prefill the planning of new sessions').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).count()).toBe(1);
    // Accented letters only come from French (the organisation's name has none).
    expect((await page.locator('main').innerText()).match(/[^\n]*[éèêàùçœ«»][^\n]*/g)).toBeNull();
    await screenshot(page, 'settings-en');
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor({ state: 'hidden' });
    await screenshot(page, 'settings-en-768');
  });

  it('gives a secretary neither the settings entry nor the page', async () => {
    const tenant = await createTenant(ctx.db);
    const page = await ctx.pageAs(tenant.secretary);
    const navigation = page.getByRole('navigation', { name: 'Navigation principale' });

    await page.goto(ctx.url('/dashboard'));
    await navigation.getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Paramètres' }).count()).toBe(0);
    await page.goto(ctx.url('/dashboard/settings'));
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    expect(await page.getByText('Horaires habituels').count()).toBe(0);
    expect(await page.locator('input[type="time"]').count()).toBe(0);
    await screenshot(page, 'settings-secretary');
  });
});
