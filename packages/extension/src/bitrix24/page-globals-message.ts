/**
 * The messages between the main-world script (entrypoints/page-globals.content.ts), which can read
 * Bitrix's `BX` global, and the isolated content script, which cannot. They travel by
 * `window.postMessage`, which the page can also send, so the content script validates every one
 * (src/content/page-globals.ts). Kept free of imports: the main-world bundle includes this file.
 */

/** The main world's answer: what `BX` says. */
export const PAGE_GLOBALS_TAG = 'b24-gdpr:page-globals';
/** The content script asking for it (the two scripts' run order is not guaranteed). */
export const PAGE_GLOBALS_REQUEST_TAG = 'b24-gdpr:page-globals-request';

export interface PageGlobalsMessage {
  tag: typeof PAGE_GLOBALS_TAG;
  /** `BX.message('USER_ID')`: digits, or '' for a guest. */
  userId: string;
  /** `BX.bitrix_sessid()`; '' when the page has none. */
  sessid: string;
}
