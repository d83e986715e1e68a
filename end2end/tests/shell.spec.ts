import { expect, test } from './fixtures';
import { login } from './helpers';

test('a signed-out visitor is sent to sign in, then sees the home page with real counts', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await login(page, 'sh.sales');
  await expect(page).toHaveURL(/\/$/);

  const inStock = page.getByTestId('stat-in-stock').locator('.stat-value');
  await expect(inStock).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('stat-customers').locator('.stat-value')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('stat-stores').locator('.stat-value')).toHaveText('1');
  await expect(page.getByTestId('user-chip').or(page.getByTestId('main-nav'))).toHaveCount(2);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByText('在库车辆')).toBeVisible();
});

test('navigation sits at the side on a tablet and at the bottom on a phone', async ({ page }, info) => {
  await login(page, 'sh.manager');
  const nav = page.getByTestId('main-nav');
  await expect(nav).toBeVisible();
  await expect(nav.getByRole('link', { name: '首页' })).toHaveAttribute('aria-current', 'page');
  const box = (await nav.boundingBox())!;
  const viewport = page.viewportSize()!;
  if (viewport.width < 768) {
    expect(box.y + box.height).toBeGreaterThan(viewport.height - 2);
    expect(box.width).toBeGreaterThan(viewport.width - 2);
  } else {
    expect(box.x).toBeLessThan(2);
    expect(box.height).toBeGreaterThan(viewport.height / 2);
  }
  // Touch targets are at least 44 px tall.
  for (const link of await nav.getByRole('link').all()) {
    expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  }
  await page.screenshot({ path: info.outputPath('home.png'), fullPage: true });
});

test('the language switch turns the app to English and back', async ({ page }) => {
  await login(page, 'hz.sales');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByText('In stock')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByText('在库车辆')).toBeVisible();
});

test('a wrong password shows the reason and keeps you on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('用户名').fill('sh.service');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toContainText('用户名或密码错误');
  await expect(page).toHaveURL(/\/login/);
  // The right password still works afterwards.
  await login(page, 'sh.service');
});

test('signing out ends the session', async ({ page }) => {
  await login(page, 'gm');
  await expect(page.getByTestId('stat-stores').locator('.stat-value')).toHaveText('2');
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
