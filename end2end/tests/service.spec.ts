import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { login } from './helpers';

/** A mobile no other test run will use. */
function freshMobile(): string {
  return `139${`${Math.floor(Math.random() * 100_000_000)}`.padStart(8, '0')}`;
}

/** What a public page must be on a phone: no sideways scrolling, 44 px targets, and a
 *  label for every field a person fills in. */
async function fitsAPhone(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scroll on ${page.url()}`).toBeLessThanOrEqual(0);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main a.btn, main input:not([type=hidden]), main select, main textarea, main label.slot, main label.choice')]
      .filter((el) => !el.closest('.hp'))
      // A radio button's target is its label (checked itself above).
      .filter((el) => !(el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')))
      .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height] as const)
      .filter(([, h]) => h < 44),
  );
  expect(small, `tap targets under 44 px on ${page.url()}`).toEqual([]);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !el.closest('.hp'))
      .filter((el) => !(el.id && document.querySelector(`label[for="${el.id}"]`)) && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unlabelled, `fields without a label on ${page.url()}`).toEqual([]);
}

test('a customer books a visit on a phone in four screens, then reschedules and cancels it with the code', async ({ page }, info) => {
  test.skip(!info.project.name.startsWith('phone'), 'the public booking is for phones');
  page.on('dialog', (d) => d.accept());
  const screens = new Set<string>();
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) screens.add(new URL(f.url()).pathname);
  });

  // 1: store and service.
  await page.goto('/book');
  await fitsAPhone(page);
  await page.getByText('保养', { exact: true }).click();
  await page.getByRole('button', { name: '下一步' }).click();

  // 2: a day (tomorrow: today's slots may have passed) and its first free slot.
  await expect(page.getByTestId('slot-form')).toBeVisible();
  await fitsAPhone(page);
  await page.locator('.day-strip a').nth(1).click();
  await expect(page.getByTestId('slot').first()).toBeVisible();
  const slot = page.locator('[data-testid=slot] input:not([disabled])').first();
  const time = await slot.getAttribute('value');
  await slot.check();
  await page.getByRole('button', { name: '下一步' }).click();

  // 3: who and which car. A bad plate is refused beside its field and what was typed stays.
  await expect(page.getByTestId('book-form')).toBeVisible();
  await fitsAPhone(page);
  const mobile = freshMobile();
  await page.getByLabel('姓名').fill('韩梅梅');
  await page.getByLabel('手机号').fill(mobile);
  await page.getByLabel('车牌号').fill('沪A1234O');
  await page.getByRole('button', { name: '确认预约' }).click();
  const plate = page.getByLabel('车牌号');
  await expect(plate).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#book-plate-error')).toContainText('车牌');
  await expect(page.getByLabel('姓名')).toHaveValue('韩梅梅');
  await plate.fill('沪AD12345');
  await page.getByRole('button', { name: '确认预约' }).click();

  // 4: booked, with the code and the calendar file.
  await expect(page.getByTestId('booked')).toBeVisible();
  await fitsAPhone(page);
  const code = (await page.getByTestId('booking-code').textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
  await expect(page.getByTestId('booking-when')).toContainText(time!);
  const booking = page.url();
  const distinct = [...screens].filter((p) => p.startsWith('/book'));
  expect(distinct.length, `screens: ${distinct.join(' → ')}`).toBeLessThanOrEqual(4);
  const ics = await page.request.get(await page.getByRole('link', { name: '添加到日历' }).getAttribute('href') as string);
  expect(await ics.text()).toContain(code);

  // Later, on the same phone: found with code and mobile, moved to another day, cancelled.
  await page.goto('/book/find');
  await fitsAPhone(page);
  await page.getByLabel('预约码').fill(code.toLowerCase());
  await page.getByLabel('手机号').fill(mobile);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByTestId('booking-code')).toHaveText(code);
  expect(page.url().split('?')[0]).toBe(booking.split('?')[0]);
  await page.getByTestId('reschedule-link').click();
  await page.locator('.day-strip a').nth(2).click();
  await page.locator('[data-testid=slot] input:not([disabled])').first().check();
  await page.getByRole('button', { name: '改到这个时段' }).click();
  await expect(page.getByText('已改约到新的时段。')).toBeVisible();
  await page.getByRole('button', { name: '取消预约' }).click();
  await expect(page.getByTestId('booking')).toContainText('已取消');
  await expect(page.getByTestId('reschedule-link')).toHaveCount(0);

  // A wrong pair reveals nothing.
  await page.goto('/book/find');
  await page.getByLabel('预约码').fill(code);
  await page.getByLabel('手机号').fill('13900000000');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('#find-code-error')).toHaveText('预约码或手机号不正确');
  await expect(page.getByText('韩梅梅')).toHaveCount(0);
});

test('a service advisor sees an online booking appear on the desk without reloading, and checks it in', async ({ page, browser }, info) => {
  test.skip(info.project.name !== 'tablet', 'live updates need JavaScript; one size suffices');
  await login(page, 'hz.service');
  // Hangzhou books around the clock today, so a later slot is always there to book.
  await page.goto('/service/capacity');
  const capacity = page.getByTestId('capacity-form');
  for (let d = 1; d <= 7; d++) {
    await capacity.locator(`#capacity-opens_${d}`).fill('00:00');
    await capacity.locator(`#capacity-closes_${d}`).fill('24:00');
  }
  await capacity.locator('#capacity-cutoff_minutes').fill('0');
  await capacity.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存')).toBeVisible();

  const now = new Date(Date.now() + 8 * 3600_000);
  const today = now.toISOString().slice(0, 10);
  const hour = Math.min(now.getUTCHours() + 1, 23);
  test.skip(now.getUTCHours() >= 23, 'no later slot today');
  await page.goto(`/service?day=${today}`);
  await expect(page.locator('html[data-hydrated]')).toBeAttached({ timeout: 15_000 });
  const before = await page.getByTestId('appointment').count();

  const customer = await (await browser.newContext({ baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000' })).newPage();
  const stores = await customer.goto('/book');
  expect(stores!.status()).toBe(200);
  const store = await customer.locator('input[name=store]').nth(1).getAttribute('value');
  const mobile = freshMobile();
  const res = await customer.request.post('/sfn/book/book', {
    headers: { accept: 'application/json' },
    form: {
      store_id: store!, service_type: 'repair', day: today, time: `${String(hour).padStart(2, '0')}:00`,
      name: '到店测试', mobile, plate: '浙A12345', vin: '', mileage: '', note: '', website: '',
    },
  });
  expect(res.status(), await res.text()).toBe(200);

  // It appears on the open desk page, and the advisor checks it in.
  const card = page.getByTestId('appointment').filter({ hasText: '到店测试' });
  await expect(card).toBeVisible({ timeout: 5_000 });
  expect(await page.getByTestId('appointment').count()).toBe(before + 1);
  await card.getByLabel('当前里程（公里）').fill('32000');
  await card.getByRole('button', { name: '到店登记' }).click();
  await expect(page.getByTestId('appointment').filter({ hasText: '到店测试' })).toHaveAttribute('data-status', 'checked_in');
});
