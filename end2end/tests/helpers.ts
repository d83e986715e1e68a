import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'forecourt-demo';

/** Signs in through the form, as a person would, and waits for the home page. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
  await expect(page.getByTestId('home-stats')).toBeVisible();
}

/** Opens a page and waits until it has hydrated, so in-place forms and links run in the
 *  browser rather than as plain HTML submissions. Only for tests that need JavaScript. */
export async function gotoHydrated(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator('html[data-hydrated]')).toBeAttached({ timeout: 15_000 });
}
