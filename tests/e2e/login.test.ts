/** Logging in through the form, the language switch, and the signed-out redirect. */
import { expect, it } from 'vitest';
import { describeBrowser, screenshot } from '../support/browser';
import { TEST_PASSWORD, createOrganization, createStaff } from '../support/factories';

describeBrowser('login and layout', (ctx) => {
  it('sends a signed-out visitor to /login, logs in with the form and comes back', async () => {
    const organization = await createOrganization(ctx.db, { name: 'Institut Horizon' });
    const admin = await createStaff(ctx.db, organization.id, 'admin', { fullName: 'Nadia Benali' });
    const page = await ctx.newPage();
    await page.goto(ctx.url('/dashboard/programs'));
    await page.waitForURL(/\/login\?next=/);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByLabel('Adresse e-mail').fill(admin.email);
    await page.getByLabel('Mot de passe').fill('wrong password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('E-mail ou mot de passe incorrect.').waitFor();
    await screenshot(page, 'login');
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/dashboard\/programs$/);
    await page.getByRole('heading', { name: 'Programmes', level: 1 }).waitFor();
    expect(await page.getByText('Institut Horizon').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Programmes', level: 1 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('link', { name: 'Courses' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Courses' }).waitFor();
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('link', { name: 'Formations' }).waitFor();

    await page.getByRole('button', { name: /Menu utilisateur/ }).click();
    await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/login/);
  });
});
