import { expect, test as base } from '@playwright/test';

/** Every test fails if a page of the app arrives without a Content-Security-Policy, or
 *  reports a violation of it: the app must satisfy its own policy (scripts by nonce, no
 *  inline handlers or styles). */
export const test = base.extend<{ cspClean: void }>({
  cspClean: [
    async ({ page, baseURL }, use) => {
      const violations: string[] = [];
      const unprotected: string[] = [];
      page.on('console', (msg) => {
        const text = msg.text();
        if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(text)) violations.push(text);
      });
      page.on('response', (res) => {
        const isPage = res.request().resourceType() === 'document';
        const hasBody = res.status() < 300 && (res.headers()['content-type'] ?? '').startsWith('text/html');
        if (isPage && hasBody && baseURL && res.url().startsWith(baseURL) && !res.headers()['content-security-policy']) {
          unprotected.push(`${res.status()} ${res.url()}`);
        }
      });
      await use();
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
      expect(unprotected, 'pages without a Content-Security-Policy').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
