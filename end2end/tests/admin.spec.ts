import { expect, test } from './fixtures';
import { login } from './helpers';

test('navigation follows the role: an admin sees administration, a salesperson does not', async ({ page }) => {
  await login(page, 'sh.sales');
  const nav = page.getByTestId('main-nav');
  await expect(nav.getByRole('link', { name: '首页' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '员工' })).toHaveCount(0);
  await page.goto('/admin/users');
  await expect(page.getByRole('alert')).toContainText('无权');

  await page.context().clearCookies();
  await login(page, 'admin');
  for (const name of ['员工', '门店', 'API 密钥', '审计日志']) {
    await expect(page.getByTestId('main-nav').getByRole('link', { name })).toBeVisible();
  }
});

test('an admin creates a staff account who can then sign in', async ({ page, browser }, info) => {
  const username = `e2e.${info.project.name.replace(/[^a-z]/g, '')}.${Date.now() % 100000}`;
  await login(page, 'admin');
  await page.goto('/admin/users');
  const form = page.getByTestId('create-user');
  if (!(await form.isVisible())) await page.getByText('新建员工').click();
  await form.getByLabel('用户名').fill(username);
  await form.getByLabel('姓名').fill('测试员工');
  await form.getByLabel('角色').selectOption('sales');
  await form.getByLabel('门店').selectOption({ label: 'SH01 上海浦东旗舰店' });
  await form.getByLabel('密码').fill('e2e-password-1');
  await form.getByRole('button', { name: '新建' }).click();
  await expect(page.getByTestId('users-table')).toContainText(username);

  const other = await browser.newContext({ ...info.project.use });
  const page2 = await other.newPage();
  await login(page2, username, 'e2e-password-1');
  await expect(page2.getByTestId('stat-stores').locator('.stat-value')).toHaveText('1');
  await other.close();
});

test('the REST API documentation is served', async ({ page }, info) => {
  test.skip(info.project.name.includes('no-js'), 'Swagger UI is a JavaScript page');
  await page.goto('/api-docs/');
  await expect(page.getByText('Forecourt REST API').first()).toBeVisible();
  await expect(page.getByText('/api/v1/stores/{id}').first()).toBeVisible();
});
