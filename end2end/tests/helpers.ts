import { expect, Page } from '@playwright/test';
import { inflateRawSync } from 'node:zlib';

export const DEMO_PASSWORD = 'forecourt-demo';

/** Signs in through the form, as a person would, and waits for the home page. When the
 *  sign-in throttle asks to wait (other tests' deliberate failures share this address),
 *  waits the seconds it names and signs in again, as a person would — once. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  for (let attempt = 0; ; attempt++) {
    await page.getByLabel(/用户名|Username/).fill(username);
    await page.getByLabel(/密码|Password/).fill(password);
    await page.getByRole('button', { name: /登录|Sign in/ }).click();
    const home = page.getByTestId('home-stats');
    const wait = page.getByRole('alert').filter({ hasText: /(\d+) 秒后重试|try again in (\d+)/i });
    await expect(home.or(wait)).toBeVisible();
    if (attempt > 0 || (await home.isVisible())) break;
    const secs = Number(((await wait.textContent()) ?? '').match(/(\d+)/)?.[1] ?? '1');
    await page.waitForTimeout((secs + 0.2) * 1000);
  }
  await expect(page.getByTestId('home-stats')).toBeVisible();
}

/** Opens a page and waits until it has hydrated, so in-place forms and links run in the
 *  browser rather than as plain HTML submissions. Only for tests that need JavaScript. */
export async function gotoHydrated(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator('html[data-hydrated]')).toBeAttached({ timeout: 15_000 });
}

/** The parts of a zip (an .xlsx) by name, unpacked: read from the central directory, so
 *  sizes written after the data (streaming writers) are found too. */
export function unzip(bytes: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip');
  const entries = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return out;
}
