import { describe, expect, it } from 'vitest';
import { authorizeLinkAt, authorizeTargetOf } from '../../src/bitrix24/authorize-link.ts';
import { readPosts } from '../../src/bitrix24/live-feed.ts';
import { readMessages } from '../../src/bitrix24/messenger.ts';
import { dialogIdOf, pageKindOf, profileUserIdOf } from '../../src/bitrix24/page-kind.ts';
import { readProfile } from '../../src/bitrix24/profile.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';

const portal = 'https://acme.bitrix24.de';
const url = (path: string) => new URL(path, portal);
const plain = <T extends { element: Element }>(items: T[]) => items.map(({ element: _e, ...rest }) => rest);

describe('page kind', () => {
  it.each([
    ['/company/personal/user/7/', 'profile'],
    ['/company/personal/user/7', 'profile'],
    ['/stream/', 'liveFeed'],
    ['/stream', 'liveFeed'],
    ['/', 'liveFeed'],
    ['/online/?IM_DIALOG=chat12', 'messenger'],
    ['/online/', 'messenger'],
    ['/bitrix/admin/user_admin.php?lang=en', 'userAdmin'],
    ['/company/personal/user/7/blog/45/', 'other'],
    ['/company/personal/user/abc/', 'other'],
    ['/crm/deal/', 'other'],
  ])('%s is %s', (path, kind) => {
    expect(pageKindOf(url(path))).toBe(kind);
  });

  it('reads the profile user id and the messenger dialog', () => {
    expect(profileUserIdOf(url('/company/personal/user/42/'))).toBe(42);
    expect(profileUserIdOf(url('/company/personal/user/0/'))).toBeNull();
    expect(profileUserIdOf(url('/stream/'))).toBeNull();
    expect(dialogIdOf(url('/online/?IM_DIALOG=chat12'))).toBe('chat12');
    expect(dialogIdOf(url('/online/?IM_DIALOG=7'))).toBe('7');
    expect(dialogIdOf(url('/online/?IM_DIALOG=<x>'))).toBeNull();
    expect(dialogIdOf(url('/online/'))).toBeNull();
  });
});

describe('Live Feed posts', () => {
  it("reads id, author, title and text from Bitrix24's template", () => {
    expect(plain(readPosts(loadFixture('bitrix-live-feed.html')))).toEqual([
      { id: '45', authorId: 7, title: 'Quarterly plan', text: 'We ship in December.\nQuestions to me.' },
      { id: '46', authorId: 9, title: null, text: '<img src=x onerror=alert(1)>' },
      { id: '47', authorId: null, title: null, text: '' },
    ]);
  });

  it('reads posts inside nodes that arrived later, and the node itself', () => {
    const doc = loadFixture('bitrix-live-feed.html');
    const wrap = doc.querySelector('[data-livefeed-id="902"]')!;
    expect(readPosts(wrap).map((p) => p.id)).toEqual(['46']);
    expect(readPosts(doc.getElementById('blg-post-45')!).map((p) => p.id)).toEqual(['45']);
  });

  it("reads the sandbox's Live Feed", () => {
    expect(plain(readPosts(loadFixture('sandbox-live-feed.html')))).toEqual([
      { id: expect.any(String), authorId: 1, title: null, text: '<img src=x onerror=alert(1)>' },
      { id: expect.any(String), authorId: 2, title: 'Quarterly plan', text: 'First line\nsecond line' },
    ]);
  });
});

describe('messenger messages', () => {
  it('reads id, text and the edited mark; deleted and unsent messages are left out', () => {
    expect(plain(readMessages(loadFixture('bitrix-messenger.html')))).toEqual([
      { id: '1201', text: 'Hello\nworld', edited: false },
      { id: '1202', text: 'Fixed the typo', edited: true },
    ]);
  });

  it("reads the sandbox's messenger", () => {
    expect(plain(readMessages(loadFixture('sandbox-messenger.html')))).toEqual([
      { id: expect.any(String), text: 'Hello there', edited: false },
      { id: expect.any(String), text: 'Fixed typo', edited: true },
    ]);
  });
});

describe('profile', () => {
  it('reads the user and whether they were dismissed', () => {
    const path = url('/company/personal/user/7/');
    expect(readProfile(loadFixture('bitrix-profile.html'), path)).toEqual({ userId: 7, dismissed: false });
    expect(readProfile(loadFixture('bitrix-profile-dismissed.html'), path)).toEqual({
      userId: 7,
      dismissed: true,
    });
    expect(readProfile(loadFixture('bitrix-profile.html'), url('/stream/'))).toBeNull();
  });

  it("reads the sandbox's profiles", () => {
    expect(readProfile(loadFixture('sandbox-profile-own.html'), url('/company/personal/user/1/'))).toEqual({
      userId: 1,
      dismissed: false,
    });
    expect(
      readProfile(loadFixture('sandbox-profile-dismissed.html'), url('/company/personal/user/3/')),
    ).toEqual({ userId: 3, dismissed: true });
  });
});

describe('Authorize links', () => {
  const base = url('/bitrix/admin/user_admin.php?lang=en');

  it('parses action=authorize&ID= on the same origin only', () => {
    expect(
      authorizeTargetOf('/bitrix/admin/user_admin.php?lang=en&ID=7&action=authorize&sessid=ab', base),
    ).toBe(7);
    expect(authorizeTargetOf('user_admin.php?action=authorize&ID=12', base)).toBe(12);
    expect(authorizeTargetOf('/bitrix/admin/user_admin.php?ID=7&action=delete', base)).toBeNull();
    expect(
      authorizeTargetOf('https://evil.example/bitrix/admin/user_admin.php?action=authorize&ID=7', base),
    ).toBeNull();
    expect(authorizeTargetOf('/bitrix/admin/user_admin.php?action=authorize&ID=abc', base)).toBeNull();
    expect(authorizeTargetOf('/bitrix/admin/user_admin.php?action=authorize&ID=0', base)).toBeNull();
    expect(authorizeTargetOf('http://[bad', base)).toBeNull();
  });

  it('finds the link a click landed in (also on a child element)', () => {
    const doc = loadFixture('bitrix-user-admin.html');
    const links = [...doc.querySelectorAll('a')];
    const span = doc.querySelector('a span')!;
    expect(authorizeLinkAt(span, base)?.targetUserId).toBe(7);
    expect(links.map((a) => authorizeLinkAt(a, base)?.targetUserId ?? null)).toEqual([
      null,
      7,
      null,
      null,
      null,
    ]);
    expect(authorizeLinkAt(null, base)).toBeNull();
    expect(authorizeLinkAt(doc, base)).toBeNull();
  });

  it("finds the sandbox's Authorize links", () => {
    const doc = loadFixture('sandbox-user-admin.html');
    const targets = [...doc.querySelectorAll('a')].map((a) => authorizeLinkAt(a, base)?.targetUserId);
    expect(targets.filter((t) => t !== undefined)).toEqual([1, 2, 3]);
  });
});

describe('pages without our anchors', () => {
  it('read as empty, never throw', () => {
    const doc = loadFixture('no-anchors.html');
    expect(readPosts(doc)).toEqual([]);
    expect(readMessages(doc)).toEqual([]);
    expect(readProfile(doc, url('/company/personal/user/7/'))).toBeNull();
    expect([...doc.querySelectorAll('a')].map((a) => authorizeLinkAt(a, url('/')))).toEqual([]);
    const empty = document.implementation.createHTMLDocument('');
    expect(readPosts(empty)).toEqual([]);
    expect(readMessages(empty)).toEqual([]);
    expect(readProfile(empty, url('/company/personal/user/7/'))).toBeNull();
  });
});
