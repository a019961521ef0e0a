import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { ContentItem } from '../../src/content/content-items.ts';
import { SCAN_DEBOUNCE_MS, watchContentItems } from '../../src/content/item-watch.ts';
import { createSummaryTracker } from '../../src/content/summary-tracker.ts';

/** The parts of WXT's context the watcher uses. */
function fakeContext() {
  const invalidated: (() => void)[] = [];
  const ctx = {
    isInvalid: false,
    setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms),
    onInvalidated: (fn: () => void) => invalidated.push(fn),
    addEventListener: () => undefined,
  };
  return {
    ctx: ctx as unknown as ContentScriptContext,
    invalidate: () => {
      for (const fn of invalidated) fn();
    },
  };
}

const post = (id: number) =>
  `<div class="feed-item-wrap" data-livefeed-id="${id}"><div class="feed-post-block" id="blg-post-${id}"><div id="blog_post_body_${id}">Post ${id}</div></div></div>`;
const feed = (ids: number[]) => `<div class="feed-wrap">${ids.map(post).join('')}</div>`;

describe('watching the page for posts and messages', () => {
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('asks once for the first screen, then once per burst of new items, only for those', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = feed(Array.from({ length: 200 }, (_, i) => i + 1));
    const tracker = createSummaryTracker();
    const requests: string[][] = [];
    const { ctx, invalidate } = fakeContext();
    watchContentItems(ctx, (items: ContentItem[]) => {
      for (const batch of tracker.take(items)) requests.push(batch.map((r) => r.entityId));
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toHaveLength(200);

    // A "more" page arrives in several DOM changes: one scan after the quiet time.
    const wrap = document.querySelector('.feed-wrap')!;
    for (const id of [201, 202, 203]) wrap.insertAdjacentHTML('beforeend', post(id));
    await vi.advanceTimersByTimeAsync(SCAN_DEBOUNCE_MS / 2);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(SCAN_DEBOUNCE_MS);
    expect(requests).toEqual([requests[0], ['201', '202', '203']]);

    // Our own badge hosts are not page changes; nothing new means no request.
    document.getElementById('blg-post-1')!.append(document.createElement('b24-gdpr-badge'));
    wrap.append(document.createElement('p'));
    await vi.advanceTimersByTimeAsync(SCAN_DEBOUNCE_MS * 2);
    expect(requests).toHaveLength(2);

    invalidate();
    wrap.insertAdjacentHTML('beforeend', post(204));
    await vi.advanceTimersByTimeAsync(SCAN_DEBOUNCE_MS * 2);
    expect(requests).toHaveLength(2);
  });
});
