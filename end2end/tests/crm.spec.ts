import { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, login } from './helpers';

/** A mobile no other test run will use (each project runs this file at once). */
function freshMobile(): string {
  const tail = `${Math.floor(Math.random() * 100_000_000)}`.padStart(8, '0');
  return `159${tail}`;
}

/** Clicks a form's button and waits for its server function to answer (in place with
 *  JavaScript, as a form post without). */
async function submit(page: Page, button: Locator, endpoint: string) {
  await Promise.all([page.waitForResponse((r) => r.url().includes(`/sfn/${endpoint}`)), button.click()]);
}

/** Today in Shanghai, as a `datetime-local` value at 23:59: within 今日 whenever the
 *  test runs. */
function laterToday(): string {
  const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return `${day}T23:59`;
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scroll on ${page.url()}`).toBeLessThanOrEqual(0);
}

async function createCustomer(page: Page, name: string, mobile: string) {
  await page.goto('/crm/customers/new');
  await page.getByLabel('姓名 / 名称').fill(name);
  await page.getByLabel('手机号').fill(mobile);
  await page.getByLabel('意向车型').fill('秦PLUS DM-i');
  await page.getByRole('button', { name: '保存客户' }).click();
  await expect(page).toHaveURL(/\/crm\/customers\/\d+$/);
  await expect(page.getByTestId('customer-profile')).toContainText(name);
}

test('a customer is created, caught as a duplicate in another spelling, followed up and moved to 试驾', async ({ page, javaScriptEnabled }) => {
  const mobile = freshMobile();
  const name = `测试客户${mobile.slice(-4)}`;
  await login(page, 'sh.sales');
  await createCustomer(page, name, mobile);
  const profile = page.url();
  await noSidewaysScroll(page);

  // The same number, spelled as people write it: with JavaScript, named while typing;
  // either way refused beside the field on saving, what was typed kept.
  if (javaScriptEnabled) await gotoHydrated(page, '/crm/customers/new');
  else await page.goto('/crm/customers/new');
  await page.getByLabel('姓名 / 名称').fill('另一个人');
  const spaced = `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
  await page.getByLabel('手机号').fill(spaced);
  if (javaScriptEnabled) {
    await expect(page.getByTestId('mobile-exists')).toContainText(name);
    await expect(page.getByTestId('mobile-exists').getByRole('link')).toHaveAttribute('href', new URL(profile).pathname);
  }
  await page.getByRole('button', { name: '保存客户' }).click();
  const field = page.getByLabel('手机号');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#customer-mobile-error')).toContainText(name);
  await expect(page.getByLabel('姓名 / 名称')).toHaveValue('另一个人');
  await noSidewaysScroll(page);

  // A follow-up for later today shows in 今日 and in the badge; done with an outcome.
  await page.goto(profile);
  const goal = `约试驾 ${mobile}`;
  await page.getByLabel('跟进时间').fill(laterToday());
  await page.getByLabel('跟进方式').selectOption('wechat');
  await page.getByLabel('跟进目的').fill(goal);
  await submit(page, page.getByRole('button', { name: '安排跟进' }), 'crm/plan_follow_up');
  await page.goto('/crm/follow-ups?view=today');
  const item = page.getByTestId('follow-up').filter({ hasText: goal });
  await expect(item).toBeVisible();
  await expect(page.getByTestId('follow-up-badge')).toBeVisible();
  await noSidewaysScroll(page);
  await item.getByPlaceholder('跟进结果').fill('客户周六到店');
  await submit(page, item.getByRole('button', { name: '完成' }), 'crm/complete_follow_up');
  await page.goto('/crm/follow-ups?view=today');
  await expect(page.getByTestId('follow-up').filter({ hasText: goal })).toHaveCount(0);

  // The lead moves along its stages by a tap.
  await page.goto(profile);
  await submit(page, page.getByRole('button', { name: '改为试驾' }), 'crm/move_lead');
  await page.goto(profile);
  await expect(page.getByTestId('lead')).toHaveAttribute('data-stage', 'test_drive');
});

test('customers are found by the last four digits and by pinyin initials', async ({ page }) => {
  const mobile = freshMobile();
  await login(page, 'sh.manager');
  await createCustomer(page, `祝思${mobile.slice(-3)}`, mobile);
  await page.goto('/crm/customers');
  await page.getByLabel('搜索客户').fill(mobile.slice(-4));
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page).toHaveURL(/q=\d{4}/);
  await expect(page.getByTestId('customers-table')).toContainText(`祝思${mobile.slice(-3)}`);
  await noSidewaysScroll(page);
  await page.goto('/crm/customers?q=zs');
  await expect(page.getByTestId('customers-table')).toContainText('祝思');
});

test("another salesperson's customer is refused with nothing of it shown", async ({ page, browser }) => {
  const mobile = freshMobile();
  await login(page, 'sh.sales');
  await createCustomer(page, `王私有${mobile.slice(-4)}`, mobile);
  const profile = page.url();
  const other = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const theirs = await other.newPage();
  await login(theirs, 'sh.sales2');
  await theirs.goto(profile);
  await expect(theirs.getByText('无权查看或修改该客户')).toBeVisible();
  await expect(theirs.getByText(`王私有${mobile.slice(-4)}`)).toHaveCount(0);
  await other.close();
});

/** Now plus `seconds`, in Shanghai, as the follow-up form takes it (with seconds). */
function shanghaiIn(seconds: number): string {
  const t = new Date(Date.now() + seconds * 1000);
  return t.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).replace(' ', 'T');
}

async function badgeCount(page: Page): Promise<number> {
  const badge = page.getByTestId('follow-up-badge');
  if ((await badge.count()) === 0) return 0;
  const text = (await badge.textContent()) ?? '0';
  return text === '99+' ? 100 : Number(text);
}

test('a follow-up planned elsewhere shows in the badge and 今日 without a reload, and raises a notice when due', async ({ page, context, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'live updates need JavaScript; without it the next page shows them');
  const mobile = freshMobile();
  const name = `实时${mobile.slice(-4)}`;
  // A person of its own per screen size: tasks of one person coming due together would
  // share one notice.
  await login(page, test.info().project.name === 'phone' ? 'hz.sales' : 'sh.sales2');
  await gotoHydrated(page, '/crm/follow-ups?view=today');
  await expect(page.locator('body[data-live="on"]')).toBeAttached({ timeout: 10_000 });
  const before = await badgeCount(page);

  // Another tab of the same person creates a customer and plans a call in a few seconds.
  const other = await context.newPage();
  await createCustomer(other, name, mobile);
  const customerId = new URL(other.url()).pathname.split('/').pop()!;
  const goal = `报价 ${mobile}`;
  const res = await other.request.post('/sfn/crm/plan_follow_up', {
    form: { customer_id: customerId, due: shanghaiIn(6), channel: 'call', goal },
    headers: { accept: 'application/json' },
  });
  expect(res.status()).toBe(200);

  // The first tab, untouched, shows it in its list and its badge…
  await expect(page.getByTestId('follow-up').filter({ hasText: goal })).toBeVisible();
  await expect.poll(() => badgeCount(page)).toBeGreaterThan(before);
  // …and when it comes due, says so in the page, with a way to the customer.
  const notice = page.getByTestId('due-notice').filter({ hasText: goal });
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(notice).toContainText(name);
  await expect(notice.getByRole('link')).toHaveAttribute('href', `/crm/customers/${customerId}`);
  await notice.getByRole('button', { name: '关闭' }).click();
  await expect(notice).toHaveCount(0);
  await other.close();
});

test('follow-ups coming due together make one notice that counts them', async ({ page, context }) => {
  test.skip(test.info().project.name !== 'tablet', 'the notices are the same at every size; one person, one run');
  const mobile = freshMobile();
  // A person no other browser test signs in as: the notice is theirs alone.
  await login(page, 'hz.manager');
  await gotoHydrated(page, '/crm/follow-ups?view=today');
  await expect(page.locator('body[data-live="on"]')).toBeAttached({ timeout: 10_000 });

  const other = await context.newPage();
  await createCustomer(other, `同时${mobile.slice(-4)}`, mobile);
  const customerId = new URL(other.url()).pathname.split('/').pop()!;
  const due = shanghaiIn(8);
  for (const goal of [`甲 ${mobile}`, `乙 ${mobile}`, `丙 ${mobile}`]) {
    const res = await other.request.post('/sfn/crm/plan_follow_up', {
      form: { customer_id: customerId, due, channel: 'call', goal },
      headers: { accept: 'application/json' },
    });
    expect(res.status()).toBe(200);
  }
  await expect(page.getByTestId('follow-up').filter({ hasText: `丙 ${mobile}` })).toBeVisible();

  // One notice, counting all three, leading to the list rather than one customer.
  const notice = page.getByTestId('due-notice').filter({ hasText: '共 3 项跟进到期' });
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('due-notice')).toHaveCount(1);
  await expect(notice.getByRole('link')).toHaveAttribute('href', '/crm/follow-ups');
  await other.close();
});

test('the customer search answers while typing, and keeps the search in the address', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'without JavaScript the search button is the way (tested above)');
  const mobile = freshMobile();
  const name = `边打边搜${mobile.slice(-4)}`;
  await login(page, 'sh.manager');
  await createCustomer(page, name, mobile);
  await gotoHydrated(page, '/crm/customers');
  await page.getByLabel('搜索客户').pressSequentially(mobile.slice(-4), { delay: 40 });
  await expect(page.getByTestId('customers-table')).toContainText(name);
  await expect(page).toHaveURL(new RegExp(`q=${mobile.slice(-4)}`));
  await expect(page.getByLabel('搜索客户')).toBeFocused();
});

test('the lead list filters by stage and exports what it shows', async ({ page }) => {
  await login(page, 'sh.manager');
  await page.goto('/crm/leads');
  await page.getByTestId('lead-list-link').click();
  await expect(page).toHaveURL(/\/crm\/leads\/list/);
  await page.getByLabel('阶段').selectOption('new');
  await page.getByLabel('最近联系').selectOption('7');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/stage=new/);
  const rows = page.getByTestId('lead-row');
  await expect(rows.first()).toBeVisible();
  for (const stage of await rows.locator('td:nth-child(2)').allTextContents()) expect(stage).toBe('新线索');
  await noSidewaysScroll(page);
  const href = await page.getByTestId('leads-export').getAttribute('href');
  expect(href).toContain('stage=new');
  expect(href).toContain('quiet_days=7');
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toContain('spreadsheetml');
});

test('the CRM pages speak English when asked', async ({ page }) => {
  const mobile = freshMobile();
  await login(page, 'sh.sales');
  await page.getByTestId('lang-switch').click();
  await page.goto('/crm/customers');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customers');
  await page.goto('/crm/customers/new');
  await page.getByLabel('Name').fill('Li Lei');
  await page.getByLabel('Mobile').fill(mobile);
  await page.getByRole('button', { name: 'Save customer' }).click();
  await expect(page).toHaveURL(/\/crm\/customers\/\d+$/);
  await expect(page.getByTestId('customer-profile')).toContainText('Li Lei');
  await page.goto(`/crm/customers?q=${mobile.slice(-4)}`);
  await expect(page.getByTestId('customers-table')).toContainText('Li Lei');
  await page.goto('/crm/leads/list');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lead list');
  await expect(page.getByLabel('Stage')).toBeVisible();
  await page.goto('/crm/follow-ups');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Follow-ups');
  await noSidewaysScroll(page);
  // Back to Chinese for whoever signs in next on this browser.
  await page.getByTestId('lang-switch').click();
});
