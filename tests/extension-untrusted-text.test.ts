import { GrantAuditorDocument } from '@b24-gdpr/shared/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, hasChromium, launchExtension } from './support/browser.ts';
import { extensionDir } from './support/extension-dir.ts';
import { signInExtension } from './support/extension-session.ts';
import { openPortalAs, postAndEdit } from './support/portal.ts';
import { type Stack, startStack } from './support/stack.ts';

const ADMIN = 1;
const AUDITOR = 15;
const AUTHOR = 5;
const EVIL = '<img src=x onerror=alert(1)>';

let stack: Stack;
let browser: ExtensionBrowser;
beforeAll(async () => {
  if (!hasChromium) return;
  stack = await startStack();
  browser = await launchExtension(extensionDir());
  await stack.query(ADMIN, GrantAuditorDocument, { userId: AUDITOR });
  await signInExtension(browser, stack, AUDITOR);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.skipIf(!hasChromium)('a post whose text is markup', () => {
  it('shows the text as text in the edit panel, and no dialog ever opens', async () => {
    const postId = await postAndEdit(stack, AUTHOR, ['A harmless note', EVIL]);
    const dialogs: string[] = [];
    browser.context.on('page', (p) => p.on('dialog', (d) => dialogs.push(d.message())));
    const page = await openPortalAs(browser.context, stack, AUDITOR, '/stream/');
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const badge = page.locator(`#blg-post-${postId}`).getByTestId('edit-badge');
    await expect.poll(() => badge.count(), { timeout: 15_000 }).toBe(1);
    await badge.click();

    const panel = page.getByTestId('edit-panel');
    const latest = panel.locator('[data-version="2"]');
    await expect.poll(() => latest.count(), { timeout: 10_000 }).toBe(1);
    expect(await latest.getByTestId('edit-diff').textContent()).toContain(EVIL);
    // The panel holds no element made from the text: no <img>, nothing with an onerror handler.
    expect(await panel.locator('img').count()).toBe(0);
    expect(await panel.locator('[onerror]').count()).toBe(0);
    // An <img src=x> would have loaded (and failed) by now; give onerror a moment to fire anyway.
    await page.waitForTimeout(1_000);
    expect(dialogs).toEqual([]);
    await browser.screenshot(panel, 'edit-overlay-markup-as-text');
  });
});
