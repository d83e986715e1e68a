import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { login } from './helpers';

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scroll on ${page.url()}`).toBeLessThanOrEqual(0);
}

/** Every input, select and button of the visible form is a 44 px target at least. */
async function tapTargets(page: Page, form: string) {
  const controls = page.getByTestId(form).locator('input:visible, select:visible, textarea:visible, button:visible');
  const n = await controls.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const box = await controls.nth(i).boundingBox();
    expect(box, `control ${i} of ${form}`).not.toBeNull();
    if ((await controls.nth(i).getAttribute('type')) === 'radio') continue;
    expect(box!.height, `control ${i} of ${form} is tall enough`).toBeGreaterThanOrEqual(44);
  }
}

test('staff enter a complaint, take it up and resolve it, each step on its timeline', async ({ page }) => {
  await login(page, 'sh.service');
  await page.goto('/complaints/new');
  await page.getByLabel('投诉类别').selectOption('waiting');
  await page.getByLabel('严重程度').selectOption('urgent');
  // Refused without what happened: the field says so, the choices stay.
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.getByLabel('投诉内容')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('严重程度')).toHaveValue('urgent');
  await page.getByLabel('投诉内容').fill('预约九点到店，十一点才开始保养');
  await page.getByLabel('客户姓名').fill('周先生');
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page).toHaveURL(/\/complaints\/\d+$/);
  await expect(page.getByTestId('complaint-status')).toHaveAttribute('data-status', 'open');
  await expect(page.getByTestId('complaint-due')).toContainText(/今天|明天|\d{4}-\d{2}-\d{2}/);

  await page.getByTestId('step-start').click();
  await expect(page.getByTestId('complaint-status')).toHaveAttribute('data-status', 'in_progress');
  // A resolution needs its note.
  await page.getByTestId('step-resolve').click();
  await expect(page.getByLabel('备注 / 处理结果 / 原因')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('备注 / 处理结果 / 原因').fill('致歉并赠送一次免费洗车');
  await page.getByTestId('step-resolve').click();
  await expect(page.getByTestId('complaint-status')).toHaveAttribute('data-status', 'resolved');
  await expect(page.getByTestId('complaint-event')).toHaveCount(3);
  await expect(page.getByTestId('complaint-head')).toContainText('致歉并赠送一次免费洗车');
});

test('the public complaint form refuses a wrong pair beside its field and fits a phone', async ({ page }) => {
  // No sign-in.
  await page.goto('/complain');
  await expect(page.getByTestId('complain-form')).toBeVisible();
  await noSidewaysScroll(page);
  await tapTargets(page, 'complain-form');
  await page.getByLabel('预约码或订单号').fill('ABCD2345');
  await page.getByLabel('手机号').fill('13900009999');
  await page.getByLabel('投诉类别').selectOption('waiting');
  await page.getByLabel('发生了什么').fill('等了两个小时');
  await page.getByRole('button', { name: '提交' }).click();
  const reference = page.getByLabel('预约码或订单号');
  await expect(reference).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#complain-reference-error')).toContainText('不匹配');
  await expect(page.getByLabel('发生了什么')).toHaveValue('等了两个小时');
  await noSidewaysScroll(page);
});

test('a manager sees overdue complaints marked, the low-score draft, and the scores', async ({ page }) => {
  await login(page, 'sh.manager');
  await page.goto('/complaints');
  await expect(page.getByTestId('complaint-overdue').first()).toBeVisible();
  await expect(page.getByTestId('complaint-rules')).toBeVisible();
  await noSidewaysScroll(page);
  await page.goto('/complaints?status=draft');
  await expect(page.getByTestId('complaint-row').first()).toBeVisible();
  await page.goto('/ratings');
  await expect(page.getByTestId('scores-stores')).toBeVisible();
  await expect(page.getByTestId('rating-row').first()).toBeVisible();
  await noSidewaysScroll(page);
});
