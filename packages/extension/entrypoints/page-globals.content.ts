import {
  PAGE_GLOBALS_REQUEST_TAG,
  PAGE_GLOBALS_TAG,
  type PageGlobalsMessage,
} from '../src/bitrix24/page-globals-message.ts';
import { BITRIX24_CLOUD_MATCHES } from '../src/portal/cloud-domains.ts';

interface BxGlobal {
  message?: (key: string) => unknown;
  bitrix_sessid?: () => unknown;
}

/**
 * Runs in the page's own world, where Bitrix's `BX` lives, and hands `USER_ID` and `bitrix_sessid`
 * to the isolated content script: once at start and again on each request (whichever script runs
 * first, the other still gets the values). Output: content-scripts/page-globals.js.
 */
export default defineContentScript({
  matches: BITRIX24_CLOUD_MATCHES,
  world: 'MAIN',
  main() {
    const read = (): PageGlobalsMessage => {
      const bx = (window as unknown as { BX?: BxGlobal }).BX;
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      let userId = '';
      let sessid = '';
      try {
        userId = text(bx?.message?.('USER_ID'));
        sessid = text(bx?.bitrix_sessid?.()) || text(bx?.message?.('bitrix_sessid'));
      } catch {
        // A page with a broken or foreign `BX` reads as a guest page.
      }
      return { tag: PAGE_GLOBALS_TAG, userId, sessid };
    };
    const post = () => window.postMessage(read(), location.origin);
    window.addEventListener('message', (event) => {
      if (event.source !== window) return;
      if ((event.data as { tag?: unknown } | null)?.tag === PAGE_GLOBALS_REQUEST_TAG) post();
    });
    post();
  },
});
