import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { login } from './helpers';

/** The app's code files (WASM and JS under /pkg/) the page downloaded from the network,
 *  and how often each; answers from the browser's cache or the service worker not counted. */
function codeDownloads(page: Page): Map<string, number> {
  const seen = new Map<string, number>();
  page.on('requestfinished', async (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/pkg/') || !/\.(wasm|js)$/.test(url.pathname)) return;
    const response = await r.response();
    if (!response || response.fromServiceWorker()) return;
    const sizes = await r.sizes();
    if (sizes.responseBodySize > 0) seen.set(url.pathname, (seen.get(url.pathname) ?? 0) + 1);
  });
  return seen;
}

async function interactive(page: Page) {
  await expect(page.locator('html[data-hydrated]')).toBeAttached({ timeout: 15_000 });
}

test('home → stock → vehicles → intake: each page is interactive and the code is downloaded once', async ({ page }, info) => {
  test.skip(info.project.name !== 'tablet', 'measured on the tablet with JavaScript');
  const downloads = codeDownloads(page);
  await login(page, 'sh.clerk');
  await interactive(page);

  // 库存查询: the matrix shows and listens for stock changes.
  await page.getByTestId('main-nav').getByRole('link', { name: '库存查询' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  await interactive(page);
  await expect(page.getByTestId('matrix-total')).toHaveText(/^\d+$/);
  await expect(page.locator('body[data-live="on"]')).toBeAttached();

  // 车辆列表, from a model's heading in the matrix: listening too.
  await page.getByTestId('matrix-block').first().getByRole('heading').getByRole('link').click();
  await expect(page).toHaveURL(/\/inventory\/vehicles\?/);
  await interactive(page);
  await expect(page.getByTestId('vehicle-total')).toBeVisible();
  await expect(page.locator('body[data-live="on"]')).toBeAttached();

  // 车辆入库: the intake form answers in place, without a new page.
  await page.getByTestId('main-nav').getByRole('link', { name: '车辆入库' }).click();
  await expect(page).toHaveURL(/\/inventory\/intake$/);
  await interactive(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  const form = page.getByTestId('intake-form');
  await form.getByLabel('VIN').fill('LGXC1DM30S0000013');
  await form.getByLabel(/成本价/).fill('72000');
  await form.getByRole('button', { name: '入库' }).click();
  await expect(form.locator('#intake-vin-error')).toContainText('校验位');
  await expect(form.getByLabel('VIN')).toBeFocused();
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);

  // Four pages, one download of each code file.
  expect(downloads.size, 'the code was downloaded').toBeGreaterThan(0);
  for (const [file, count] of downloads) expect(count, `${file} downloaded once`).toBe(1);
});
