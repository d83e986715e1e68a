import { defineConfig } from '@playwright/test';

// The server is started by scripts/test.sh (a release build on a fresh, seeded database)
// and its address passed in BASE_URL.
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const tablet = { width: 820, height: 1180 };
const phone = { width: 390, height: 844 };

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: { baseURL, launchOptions, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', trace: 'off' },
  projects: [
    { name: 'tablet', use: { viewport: tablet, hasTouch: true } },
    { name: 'phone', use: { viewport: phone, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } },
    // The server-rendered pages must work on their own.
    { name: 'tablet-no-js', use: { viewport: tablet, javaScriptEnabled: false } },
    { name: 'phone-no-js', use: { viewport: phone, javaScriptEnabled: false, isMobile: true } },
  ],
});
