import { GrantAuditorDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { signInExtension } from './support/extension-session.ts';
import { openPortalAs, postAndEdit } from './support/portal.ts';

const ADMIN = 1;
const AUDITOR = 15;
const AUTHOR = 5;

const e2e = useExtensionE2e(async ({ stack, browser }) => {
  await stack.query(ADMIN, GrantAuditorDocument, { userId: AUDITOR });
  await signInExtension(browser, stack, AUDITOR);
});

describe.skipIf(!hasChromium)('an auditor on the Live Feed', () => {
  it('sees "2 edits" on a post edited twice, and the panel shows the word diff', async () => {
    const postId = await postAndEdit(e2e.stack, AUTHOR, [
      'The meeting is on Monday in room 4',
      'The meeting is on Tuesday in room 4',
      'The meeting is on Tuesday in room 7',
    ]);
    const page = await openPortalAs(e2e.browser.context, e2e.stack, AUDITOR, '/stream/');
    const post = page.locator(`#blg-post-${postId}`);
    const badge = post.getByTestId('edit-badge');
    await expect.poll(() => badge.count(), { timeout: 15_000 }).toBe(1);
    expect(await badge.getAttribute('data-edit-count')).toBe('2');
    expect(await badge.textContent()).toMatch(/\b2\b/);
    // Only the edited post has a badge: the demo feed's other posts have no versions.
    expect(await page.getByTestId('edit-badge').count()).toBe(1);

    await badge.click();
    const panel = page.getByTestId('edit-panel');
    await expect.poll(() => panel.locator('[data-version]').count(), { timeout: 10_000 }).toBe(3);
    expect(await panel.getAttribute('data-entity-id')).toBe(String(postId));
    const second = panel.locator('[data-version="2"]').getByTestId('edit-diff');
    expect(await second.locator('del').allTextContents()).toEqual(['Monday']);
    expect(await second.locator('ins').allTextContents()).toEqual(['Tuesday']);
    const third = panel.locator('[data-version="3"]').getByTestId('edit-diff');
    expect(await third.locator('del').allTextContents()).toEqual(['4']);
    expect(await third.locator('ins').allTextContents()).toEqual(['7']);
    await e2e.browser.screenshot(page, 'edit-overlay');
    await page.close();
  });

  it('asks editSummaries once for a feed of 200 posts', async () => {
    e2e.stack.api.portal.seed.posts(AUTHOR, 200);
    const before = e2e.stack.requestsFor('editSummaries').length;
    const page = await openPortalAs(e2e.browser.context, e2e.stack, AUDITOR, '/stream/?count=200');
    expect(await page.locator('div.feed-post-block').count()).toBeGreaterThanOrEqual(200);
    await expect
      .poll(() => e2e.stack.requestsFor('editSummaries').length - before, { timeout: 15_000 })
      .toBe(1);
    // The debounced scan has had time to send a second request, had it wanted to.
    await page.waitForTimeout(2_000);
    const requests = e2e.stack.requestsFor('editSummaries').slice(before);
    expect(requests).toHaveLength(1);
    const refs = requests[0]!.variables.refs as { entityType: string; entityId: string }[];
    expect(refs.filter((r) => r.entityType === 'POST')).toHaveLength(
      await page.locator('div.feed-post-block').count(),
    );
    await page.close();
  });
});
