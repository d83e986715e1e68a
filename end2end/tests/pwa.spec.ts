import { chromium } from '@playwright/test';
import { expect, test } from './fixtures';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { login } from './helpers';

test('the manifest is served and names the app, its icons and standalone display', async ({ request }) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.ok()).toBeTruthy();
  const m = await res.json();
  expect(m.lang).toBe('zh-CN');
  expect(m.display).toBe('standalone');
  const sizes = m.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes}:${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
  for (const icon of m.icons) {
    const r = await request.get(icon.src);
    expect(r.ok(), icon.src).toBeTruthy();
    expect(r.headers()['content-type']).toBe('image/png');
  }
});

test('Chromium finds the app installable; offline, a page shows the offline notice', async ({}, info) => {
  test.skip(info.project.name.includes('no-js'), 'a service worker needs JavaScript');
  // Installability is only reported outside incognito, so this test uses a real profile.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'forecourt-pwa-'));
  const use = info.project.use;
  const context = await chromium.launchPersistentContext(profile, {
    ...use.launchOptions,
    baseURL: use.baseURL,
    viewport: use.viewport,
    locale: 'zh-CN',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await login(page, 'sh.sales');
    // The service worker registers after hydration and takes control of the page.
    await page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
    });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    await context.setOffline(true);
    await page.goto('/?while-offline');
    await expect(page.getByTestId('offline')).toBeVisible();
    await expect(page.getByRole('heading', { name: '网络已断开' })).toBeVisible();
    await context.setOffline(false);
    await page.getByRole('button', { name: /重试/ }).click();
    await expect(page.getByTestId('home-stats')).toBeVisible();
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
