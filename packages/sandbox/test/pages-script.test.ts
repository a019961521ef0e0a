import { runInNewContext } from 'node:vm';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { startPortal } from './helpers.ts';
import { Browser } from './pages-browser.ts';

/**
 * The pages' inline client script, run in a linkedom window against the live portal: the Live Feed's
 * "more" loader and the `a[data-slider]` navigation. (Real Chromium runs it in the e2e scenarios.)
 */
let portal: SandboxPortal;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.posts(1, 45);
});
afterAll(() => portal.close());

async function openPage(path: string) {
  const browser = new Browser(portal.url);
  await browser.signIn(1);
  const page = await browser.get(path);
  const { window, document } = parseHTML(page.text);
  let href = `${portal.url}${path}`;
  const pushed: string[] = [];
  const events: string[] = [];
  const context = {
    window,
    document,
    URL,
    DOMParser: window.DOMParser,
    CustomEvent: window.CustomEvent,
    Element: window.Element,
    location: {
      origin: portal.url,
      get href() {
        return href;
      },
    },
    history: {
      pushState: (_s: unknown, _t: string, url: string) => {
        href = url;
        pushed.push(url);
      },
    },
    // The session cookie is HttpOnly: fetch goes through the cookie-keeping client.
    fetch: async (url: string) => {
      const res = await browser.get(url);
      return { text: async () => res.text };
    },
  };
  document.addEventListener('sandbox:navigated', () => events.push(href));
  const scripts = [...document.querySelectorAll('body script')];
  runInNewContext(scripts.at(-1)?.textContent ?? '', context);
  const click = async (el: { dispatchEvent(e: unknown): boolean } | null) => {
    const event = new window.Event('click', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'button', { value: 0 });
    el?.dispatchEvent(event);
    await new Promise((r) => setTimeout(r, 100));
  };
  return { document, click, pushed, events };
}

describe('client script', () => {
  it('appends the next Live Feed pages into .feed-wrap and drops "more" after the last', async () => {
    const { document, click } = await openPage('/stream/');
    const count = () =>
      document.querySelectorAll('#log_internal_container .feed-wrap > .feed-item-wrap').length;
    expect(count()).toBe(20);
    await click(document.querySelector('#sonet_log_more_container a'));
    expect(count()).toBe(40);
    expect(document.querySelector('#sonet_log_more_container a')?.getAttribute('href')).toBe(
      '/stream/?PAGEN_1=3',
    );
    await click(document.querySelector('#sonet_log_more_container a'));
    expect(count()).toBe(45);
    expect(document.querySelector('#sonet_log_more_container')).toBeNull();
    const ids = [...document.querySelectorAll('.feed-post-block')].map((p) => p.id);
    expect(new Set(ids).size).toBe(45);
  });

  it('swaps #workarea-content on a[data-slider] and pushes the URL afterwards', async () => {
    const { document, click, pushed, events } = await openPage('/stream/');
    await click(document.querySelector('a.feed-post-user-name[data-slider]'));
    expect(pushed).toEqual([`${portal.url}/company/personal/user/1/`]);
    expect(events).toEqual(pushed);
    expect(document.querySelector('#workarea-content #intranet-user-profile-wrap')).not.toBeNull();
    expect(document.querySelector('.feed-item-wrap')).toBeNull();
    expect(document.querySelectorAll('#workarea-content')).toHaveLength(1);
  });
});
