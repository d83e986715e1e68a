import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, login } from './helpers';

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5,
  P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};

/** A valid VIN (GB 16735 check digit) no other test run will use; `year` (the 10th
 *  character) keeps tests that take in several at once apart from the others. */
function freshVin(year = 'P', offset = 0): string {
  const serial = `${(Date.now() + offset) % 10_000_000}`.padStart(7, '0');
  const bare = `LGXC1DM30${year}${serial}`.split('');
  const sum = bare.reduce((s, c, i) => s + (/\d/.test(c) ? Number(c) : VALUES[c]) * WEIGHTS[i], 0);
  const check = sum % 11;
  bare[8] = check === 10 ? 'X' : String(check);
  return bare.join('') + '';
}

async function total(page: Page): Promise<number> {
  return Number(await page.getByTestId('matrix-total').textContent());
}

/** Signs in, opens the stock page listening for changes, marks the window (a reload
 *  would wipe the mark out, `__stillHere`) and returns the total it shows. */
async function openLiveStock(page: Page, user: string): Promise<number> {
  await login(page, user);
  await gotoHydrated(page, '/inventory');
  await expect(page.locator('body[data-live="on"]')).toBeAttached();
  const shown = await total(page);
  await page.evaluate(() => ((window as any).__stillHere = true));
  return shown;
}

test('the stock matrix drills down into the vehicles behind a count', async ({ page }) => {
  await login(page, 'sh.sales');
  await page.goto('/inventory');
  await expect(page.getByRole('heading', { name: '库存查询' })).toBeVisible();
  const grand = await total(page);
  expect(grand).toBeGreaterThan(0);
  // The first non-empty cell, and the vehicles it stands for.
  const cell = page.locator('td:not(.zero) [data-testid="matrix-cell"]').last();
  const n = Number(await cell.textContent());
  expect(n).toBeGreaterThan(0);
  await cell.click();
  await expect(page).toHaveURL(/\/inventory\/vehicles\?/);
  await expect(page.getByTestId('vehicle-total')).toContainText(String(n));
  await expect(page.getByTestId('vehicles-table').locator('tbody tr')).toHaveCount(n);
});

test('rows and columns switch between trims and colours', async ({ page }) => {
  await login(page, 'sh.sales');
  await page.goto('/inventory?pivot=trim');
  const block = page.getByTestId('matrix-block').first();
  const trimHeads = await block.locator('tbody th').allTextContents();
  await page.goto('/inventory?pivot=color');
  const colourHeads = await page.getByTestId('matrix-block').first().locator('thead th').allTextContents();
  // The trims that ran down the rows now run across the top.
  for (const t of trimHeads) expect(colourHeads).toContain(t);
});

test('an intake made on another tablet appears on an open stock page without reloading', async ({ page, browser }, info) => {
  test.skip(info.project.name.includes('no-js'), 'live updates need JavaScript');
  const before = await openLiveStock(page, 'sh.sales');

  const clerk = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  const other = await clerk.newPage();
  await login(other, 'sh.clerk');
  await gotoHydrated(other, '/inventory/intake');
  const form = other.getByTestId('intake-form');
  await form.getByLabel('VIN').fill(freshVin());
  await form.locator('select[name="warehouse_id"]').selectOption({ index: 0 });
  await form.getByLabel(/成本价/).fill('72000');
  await form.getByRole('button', { name: '入库' }).click();
  await expect(other.getByTestId('intake-ok')).toBeVisible();

  // The first tablet shows it within two seconds of the confirmation.
  await expect(async () => expect(await total(page)).toBeGreaterThan(before)).toPass({ timeout: 2_000, intervals: [100] });
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
  await clerk.close();
});

test('a bad VIN is refused with the reason, and nothing is taken in', async ({ page }, info) => {
  test.skip(info.project.name.includes('no-js'), 'the form result shows in place with JavaScript');
  await login(page, 'sh.clerk');
  await gotoHydrated(page, '/inventory/intake');
  const form = page.getByTestId('intake-form');
  const vin = freshVin();
  const wrong = vin.slice(0, 8) + (vin[8] === '1' ? '2' : '1') + vin.slice(9);
  await form.getByLabel('VIN').fill(wrong);
  await form.getByLabel(/成本价/).fill('72000');
  await form.getByRole('button', { name: '入库' }).click();
  await expect(form.locator('#intake-vin-error')).toContainText('校验位');
  await page.goto(`/inventory/vehicles?q=${wrong}`);
  await expect(page.getByTestId('vehicle-total')).toContainText('共 0 辆');
});

test('a refused intake shows each message beside its field and keeps what was typed', async ({ page }, info) => {
  const js = !info.project.name.includes('no-js');
  await login(page, 'sh.clerk');
  if (js) await gotoHydrated(page, '/inventory/intake');
  else await page.goto('/inventory/intake');
  const form = page.getByTestId('intake-form');
  const vin = freshVin();
  const wrong = vin.slice(0, 8) + (vin[8] === '1' ? '2' : '1') + vin.slice(9);
  const warehouse = form.locator('select[name="warehouse_id"]');
  const lastWarehouse = await warehouse.locator('option').last().getAttribute('value');
  await form.getByLabel('VIN').fill(wrong);
  await warehouse.selectOption(lastWarehouse!);
  await form.getByLabel(/成本价/).fill('-5');
  await form.getByRole('button', { name: '入库' }).click();

  // Each message stands beside its own field, tied to it for screen readers.
  const vinInput = form.getByLabel('VIN');
  const cost = form.getByLabel(/成本价/);
  await expect(form.locator('#intake-vin-error')).toContainText('校验位');
  await expect(form.locator('#intake-cost-error')).toContainText('金额不能为负数');
  await expect(vinInput).toHaveAttribute('aria-invalid', 'true');
  await expect(vinInput).toHaveAttribute('aria-describedby', 'intake-vin-error');
  await expect(cost).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#intake-list_price-error')).toBeEmpty();
  await expect(page.getByTestId('form-error')).toContainText('2');
  // What was typed and chosen is still there.
  await expect(vinInput).toHaveValue(wrong);
  await expect(cost).toHaveValue('-5');
  await expect(warehouse).toHaveValue(lastWarehouse!);
  // The first bad field has focus, ready to be corrected.
  if (js) await expect(vinInput).toBeFocused();
  else await expect(vinInput).toHaveAttribute('autofocus', '');

  await page.goto(`/inventory/vehicles?q=${wrong}`);
  await expect(page.getByTestId('vehicle-total')).toContainText('共 0 辆');
});

test('a manager sets a threshold and the alert centre and its badge show the alert', async ({ page }, info) => {
  test.skip(info.project.name.includes('no-js'), 'the threshold form submits in place with JavaScript');
  await login(page, 'sh.manager');
  await gotoHydrated(page, '/inventory/alerts');
  const form = page.getByTestId('threshold-form');
  // A maximum of 0 for a model: any stock of it is "high".
  await form.locator('select[name="warehouse_id"]').selectOption({ index: 1 });
  await form.locator('select[name="model_id"]').selectOption({ index: info.project.name === 'phone' ? 1 : 0 });
  await form.locator('input[name="high_qty"]').fill('0');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('alert-list').locator('[data-kind="high"]').first()).toBeVisible();
  await expect(page.getByTestId('alert-badge')).toBeVisible();
  await expect(page.getByTestId('thresholds-table')).toContainText('0');
});

test('the alert centre sums up aged stock, and a count opens exactly those vehicles', async ({ page }) => {
  await login(page, 'sh.sales');
  await page.goto('/inventory/alerts');
  const summary = page.getByTestId('aged-summary');
  await expect(summary).toBeVisible();
  // The demo stock has vehicles past 30 days; the oldest line comes first.
  const link = summary.locator('td[data-days="30"] a').first();
  const n = Number(await link.textContent());
  expect(n).toBeGreaterThan(0);
  await link.click();
  await expect(page).toHaveURL(/min_days=30/);
  await expect(page.getByTestId('vehicle-total')).toContainText(`共 ${n} 辆`);
  await expect(page.getByTestId('vehicles-table').locator('tbody tr')).toHaveCount(Math.min(n, 50));
});

test('a burst of intakes through the API shows in full on an open stock page', async ({ page }, info) => {
  test.skip(info.project.name.includes('no-js'), 'live updates need JavaScript');
  const before = await openLiveStock(page, 'sh.clerk');
  // Ten intakes at once through the REST API, as an integration would send them.
  const cat = await (await page.request.get('/api/v1/catalog')).json();
  const model = cat.models[0].id;
  const trim = cat.trims.find((t: any) => t.model_id === model).id;
  const color = cat.colors.find((c: any) => c.model_id === model).id;
  const warehouse = cat.warehouses[0].id;
  const year = info.project.name === 'phone' ? 'S' : 'R';
  const statuses = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      page.request
        .post('/api/v1/vehicles', {
          data: { vehicles: [{ vin: freshVin(year, i), trim_id: trim, color_id: color, warehouse_id: warehouse, cost_fen: 7_000_000 }] },
        })
        .then((r) => r.status()),
    ),
  );
  expect(statuses).toEqual(Array(10).fill(201));
  // Gathering the announcements loses none: the page ends up showing all ten (other
  // tests may add more meanwhile), without a reload.
  await expect(async () => expect(await total(page)).toBeGreaterThanOrEqual(before + 10)).toPass({ timeout: 5_000, intervals: [100] });
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
});
