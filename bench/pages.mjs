// Per page, signed in as a salesperson (or the user given), from a cold cache in Chromium:
// every response's encoded bytes (headers + compressed body) until the page is
// interactive, split into the page itself, the app's code (WASM and JS) and the rest.
// Usage: BASE_URL=http://127.0.0.1:3000 node bench/pages.mjs [user] [path …]
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const [user = 'sh.sales', ...given] = process.argv.slice(2);
const pages = given.length
  ? given
  : ['/login', '/', '/inventory', '/inventory/vehicles', '/inventory/intake', '/inventory/alerts', '/inventory/transfers',
     '/crm/customers', '/crm/customers/new', '/crm/leads', '/crm/leads/list', '/crm/follow-ups',
     '/orders', '/orders/new', '/orders/approvals', '/orders/import'];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// A session to load the pages with.
const signIn = await browser.newContext();
const loginPage = await signIn.newPage();
await loginPage.goto(base + '/login');
await loginPage.fill('input[name=username]', user);
await loginPage.fill('input[name=password]', 'forecourt-demo');
await Promise.all([loginPage.waitForURL(base + '/'), loginPage.click('button[type=submit]')]);
const cookies = await signIn.cookies();
await signIn.close();

const kib = (n) => (n / 1024).toFixed(1);
const rows = [];
for (const path of pages) {
  const context = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  if (path !== '/login') await context.addCookies(cookies);
  const page = await context.newPage();
  const seen = [];
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) seen.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  const start = Date.now();
  await page.goto(base + path);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
  const interactive = Date.now() - start;
  await page.waitForLoadState('networkidle');
  // Only what the page needs to be shown and used: not the service worker's precaching.
  // Only what the page needs to be shown and used: not the service worker's precaching.
  const own = seen.filter((r) => !r.url.includes('/sw.js') && !r.url.includes('sw-precache'));
  const sum = (rs) => rs.reduce((s, r) => s + r.bytes, 0);
  const url = (r) => new URL(r.url).pathname;
  const code = own.filter((r) => /\/pkg\/.*\.(wasm|js)$/.test(url(r)));
  const doc = own.filter((r) => url(r) === path);
  rows.push({ path, total: sum(own), doc: sum(doc), code: sum(code), rest: sum(own) - sum(doc) - sum(code), interactive, n: own.length });
  await context.close();
}
await browser.close();

console.log(`cold load in Chromium, signed in as ${user} (KiB, encoded as sent: headers + compressed bodies)`);
console.log(`${'page'.padEnd(22)} ${'total'.padStart(8)} ${'page'.padStart(7)} ${'code'.padStart(7)} ${'other'.padStart(7)} ${'requests'.padStart(9)} ${'ready ms'.padStart(9)}`);
for (const r of rows) {
  console.log(
    `${r.path.padEnd(22)} ${kib(r.total).padStart(8)} ${kib(r.doc).padStart(7)} ${kib(r.code).padStart(7)} ${kib(r.rest).padStart(7)} ${String(r.n).padStart(9)} ${String(r.interactive).padStart(9)}`,
  );
}
