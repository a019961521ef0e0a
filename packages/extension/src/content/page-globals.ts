import {
  PAGE_GLOBALS_REQUEST_TAG,
  PAGE_GLOBALS_TAG,
  type PageGlobalsMessage,
} from '../bitrix24/page-globals-message.ts';
import { sha256Hex } from './hash.ts';

/** What the main-world script said, validated. */
export interface PageGlobals {
  userId: number | null;
  /** The raw `bitrix_sessid`: hash it for reports; only the logout link uses it as is. */
  sessid: string | null;
}

const USER_ID = /^\d{0,15}$/;
const SESSID = /^[0-9a-zA-Z]{0,64}$/;

/**
 * A `message` event's globals, or null unless it is exactly our main-world script's message: sent by
 * this window, our tag, `USER_ID` digits or empty, `sessid` at most 64 letters and digits. Anything
 * else (other scripts' messages, a page imitating ours with odd values) is ignored.
 */
export function parsePageGlobals(
  event: Pick<MessageEvent, 'source' | 'data'>,
  win: Window,
): PageGlobals | null {
  if (event.source !== win) return null;
  const data = event.data as Partial<Record<keyof PageGlobalsMessage, unknown>> | null;
  if (typeof data !== 'object' || data === null || data.tag !== PAGE_GLOBALS_TAG) return null;
  const { userId, sessid } = data;
  if (typeof userId !== 'string' || typeof sessid !== 'string') return null;
  if (!USER_ID.test(userId) || !SESSID.test(sessid)) return null;
  const id = userId === '' ? null : Number(userId);
  return { userId: id !== null && id > 0 ? id : null, sessid: sessid === '' ? null : sessid };
}

/**
 * Asks the main-world script for the page's globals and waits for the first valid answer; null after
 * `timeoutMs` (a page without the script or without `BX`).
 */
export function requestPageGlobals(win: Window = window, timeoutMs = 1500): Promise<PageGlobals | null> {
  return new Promise((resolve) => {
    const done = (globals: PageGlobals | null) => {
      win.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(globals);
    };
    const onMessage = (event: MessageEvent) => {
      const globals = parsePageGlobals(event, win);
      if (globals) done(globals);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    win.addEventListener('message', onMessage);
    win.postMessage({ tag: PAGE_GLOBALS_REQUEST_TAG }, win.location.origin);
  });
}

/** SHA-256 of the session token in hex: the session key the API and the background compare. */
export const sessionKeyOf = (sessid: string): Promise<string> => sha256Hex(sessid);
