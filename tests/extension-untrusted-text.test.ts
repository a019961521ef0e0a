import { GrantAuditorDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { signInExtension } from './support/extension-session.ts';
import { openPortalAs, postAndEdit } from './support/portal.ts';

const ADMIN = 1;
const AUDITOR = 15;
const AUTHOR = 5;
const EVIL = '<img src=x onerror=alert(1)>';

const e2e = useExtensionE2e(async ({ stack, browser }) => {
  await stack.query(ADMIN, GrantAuditorDocument, { userId: AUDITOR });
  await signInExtension(browser, stack, AUDITOR);
});

describe.skipIf(!hasChromium)('a post whose text is markup', () => {
  it('shows the text as text in the edit panel, and no dialog ever opens', async () => {
    const postId = await postAndEdit(e2e.stack, AUTHOR, ['A harmless note', EVIL]);
    // Every dialog of every page of this browser, from before the feed opens.
    const dialogs: string[] = [];
    e2e.browser.context.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const page = await openPortalAs(e2e.browser.context, e2e.stack, AUDITOR, '/stream/');
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
    await e2e.browser.screenshot(panel, 'edit-overlay-markup-as-text');
  });
});
