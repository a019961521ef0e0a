import { describe, expect, it } from 'vitest';
import { PAGE_GLOBALS_REQUEST_TAG, PAGE_GLOBALS_TAG } from '../../src/bitrix24/page-globals-message.ts';
import { parsePageGlobals, requestPageGlobals, sessionKeyOf } from '../../src/content/page-globals.ts';

const sessid = '53326b09b29f205011ee2df0365327f2';
const from = (data: unknown, source: unknown = window) => ({ data, source }) as MessageEvent;

describe('main-world messages', () => {
  it('accepts our tag with USER_ID digits or empty and a short sessid', () => {
    expect(parsePageGlobals(from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid }), window)).toEqual({
      userId: 7,
      sessid,
    });
    expect(parsePageGlobals(from({ tag: PAGE_GLOBALS_TAG, userId: '', sessid: '' }), window)).toEqual({
      userId: null,
      sessid: null,
    });
  });

  it.each([
    ['another window', from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid }, {})],
    ['no source', from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid }, null)],
    ['another tag', from({ tag: 'someone-else', userId: '7', sessid })],
    ['the request', from({ tag: PAGE_GLOBALS_REQUEST_TAG })],
    ['no data', from(null)],
    ['a string', from('b24-gdpr:page-globals')],
    ['a numeric USER_ID', from({ tag: PAGE_GLOBALS_TAG, userId: 7, sessid })],
    ['USER_ID with letters', from({ tag: PAGE_GLOBALS_TAG, userId: '7 OR 1', sessid })],
    ['a negative USER_ID', from({ tag: PAGE_GLOBALS_TAG, userId: '-1', sessid })],
    ['a huge USER_ID', from({ tag: PAGE_GLOBALS_TAG, userId: '1'.repeat(40), sessid })],
    ['a sessid over 64 chars', from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid: 'a'.repeat(65) })],
    ['a sessid with markup', from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid: '<img>' })],
    ['a sessid object', from({ tag: PAGE_GLOBALS_TAG, userId: '7', sessid: { toString: () => 'x' } })],
  ])('ignores %s', (_name, event) => {
    expect(parsePageGlobals(event, window)).toBeNull();
  });

  it('treats USER_ID 0 as a guest', () => {
    expect(parsePageGlobals(from({ tag: PAGE_GLOBALS_TAG, userId: '0', sessid }), window)?.userId).toBeNull();
  });

  it('hashes the sessid with SHA-256', async () => {
    expect(await sessionKeyOf('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('asks the main world and takes its first valid answer', async () => {
    const answer = (event: MessageEvent) => {
      if (event.data?.tag !== PAGE_GLOBALS_REQUEST_TAG) return;
      window.dispatchEvent(
        new MessageEvent('message', { data: { tag: PAGE_GLOBALS_TAG, userId: 'x', sessid } }),
      );
      window.dispatchEvent(
        new MessageEvent('message', { data: { tag: PAGE_GLOBALS_TAG, userId: '5', sessid }, source: window }),
      );
    };
    window.addEventListener('message', answer);
    try {
      expect(await requestPageGlobals(window, 1000)).toEqual({ userId: 5, sessid });
    } finally {
      window.removeEventListener('message', answer);
    }
  });

  it('gives up when nobody answers', async () => {
    expect(await requestPageGlobals(window, 20)).toBeNull();
  });
});
