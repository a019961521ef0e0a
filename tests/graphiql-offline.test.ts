import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, spawnApi } from './support/api-process.ts';
import { hasChromium, launchChromium } from './support/browser.ts';

// `pnpm start` on a machine without internet: GraphiQL must come entirely from the API itself.
let dataDir: string;
let api: ApiProcess;
let base: string;
let token: string;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  dataDir = await mkdtemp(path.join(tmpdir(), 'b24-graphiql-'));
  api = spawnApi({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  base = /(http:\/\/\S+)\/graphql/.exec(await api.waitForLog(/GraphQL API and GraphiQL: http/))![1]!;
  token = /(b24g_\S+)/.exec(await api.waitForLog(/sandbox administrator token/))![1]!;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (!api) return;
  api.child.kill('SIGTERM');
  await api.exited;
  await rm(dataDir, { recursive: true, force: true });
});

/** Replaces the text of a Monaco editor (insertText: no auto-closed brackets). */
async function setEditor(page: Page, editor: string, text: string) {
  await page.locator(editor).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe.runIf(hasChromium)('GraphiQL with the network cut off', { timeout: 180_000 }, () => {
  it('loads from the API alone, under its CSP, and runs a query', async () => {
    const context = await browser.newContext();
    const blocked: string[] = [];
    const requested: string[] = [];
    context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      blocked.push(url.href);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const violations: string[] = [];
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || /CSP violation|Content Security Policy/.test(m.text()))
        violations.push(m.text());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    const response = await page.goto(`${base}/graphql`);
    await page.locator('.graphiql-container .monaco-editor').first().waitFor({ timeout: 60_000 });

    await setEditor(page, '.graphiql-query-editor .monaco-editor', '{ me { userId roles } }');
    await page.getByRole('button', { name: /headers/i }).click();
    await setEditor(
      page,
      '.monaco-editor[data-uri$="-headers.json"]',
      JSON.stringify({ authorization: `Bearer ${token}` }),
    );
    await page.locator('.graphiql-execute-button').click();

    const result = page.locator('.result-window');
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/"userId":\s*1/);
    expect(await result.textContent()).toMatch(/"ADMIN"/);

    // The schema is described to signed-in callers only: with the token in the headers, re-fetching it
    // fills the documentation explorer.
    await page.getByRole('button', { name: /re-fetch graphql schema/i }).click();
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => docs.textContent(), { timeout: 30_000 }).toMatch(/mutation:\s*Mutation/);
    expect(blocked).toEqual([]);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self';");
    // Monaco's workers ran as workers from the API (not blob: URLs, not the main-thread fallback).
    expect(requested).toContain('/graphiql-assets/graphql.worker.js');
    expect([...new Set(violations)]).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
