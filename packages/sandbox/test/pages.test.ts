import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal, User } from '../src/index.ts';
import { startPortal } from './helpers.ts';
import { all, Browser, pageBX } from './pages-browser.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

let portal: SandboxPortal;
let admin: User;
let alice: User;
let bob: User;
let dismissed: User;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  admin = portal.state.user(1)!;
  alice = portal.seed.user({
    NAME: 'Alice',
    LAST_NAME: 'Archer',
    EMAIL: 'alice@example.test',
    WORK_POSITION: 'Accountant',
  });
  bob = portal.seed.user({ NAME: 'Bob', LAST_NAME: HOSTILE, EMAIL: 'bob@example.test' });
  dismissed = portal.seed.user({
    NAME: 'Dora',
    LAST_NAME: 'Gone',
    ACTIVE: false,
    WORK_POSITION: 'Former clerk',
  });
});
afterAll(() => portal.close());

const signedIn = async (user: User) => {
  const b = new Browser(portal.url);
  await b.signIn(user.ID);
  return b;
};

describe('every page', () => {
  it('gives a guest a session cookie, the sign-in form and an empty USER_ID', async () => {
    const b = new Browser(portal.url);
    const res = await b.get('/stream/');
    expect(res.status).toBe(200);
    expect(res.setCookie[0]).toMatch(/^PHPSESSID=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    const BX = pageBX(res.document);
    expect(BX.message('USER_ID')).toBe('');
    expect(BX.bitrix_sessid()).toMatch(/^[0-9a-f]{32}$/);
    expect(BX.message('bitrix_sessid')).toBe(BX.bitrix_sessid());
    expect(BX.bitrix_sessid()).toBe(portal.pages.sessid(b.sessionId!));
    expect(all(res.document, 'a.bx-authform-user').map((a) => a.getAttribute('data-user-id'))).toEqual([
      '1',
      String(alice.ID),
      String(bob.ID),
    ]);
    // The same cookie keeps the same session: no new cookie.
    expect((await b.get('/stream/')).setCookie).toEqual([]);
  });

  it('shows the signed-in user: USER_ID, a stable bitrix_sessid, the name and a logout link', async () => {
    const b = await signedIn(alice);
    const first = await b.get('/stream/');
    const second = await b.get(`/company/personal/user/${alice.ID}/`);
    const BX = pageBX(first.document);
    expect(BX.message('USER_ID')).toBe(String(alice.ID));
    expect(pageBX(second.document).bitrix_sessid()).toBe(BX.bitrix_sessid());
    expect(first.document.querySelector('#user-name')?.textContent).toBe('Alice Archer');
    expect(first.document.querySelector('#user-logout')?.getAttribute('href')).toBe(
      `/?logout=yes&sessid=${BX.bitrix_sessid()}`,
    );
    expect(first.document.querySelector('#workarea-content #pagetitle')).not.toBeNull();
    expect(all(first.document, 'a[data-slider]').length).toBeGreaterThan(0);
  });

  it('escapes a hostile name everywhere it is shown', async () => {
    const b = await signedIn(bob);
    const res = await b.get('/stream/');
    expect(res.document.querySelector('#user-name')?.textContent).toBe(`Bob ${HOSTILE}`);
    expect(res.document.querySelector('img')).toBeNull();
    expect(res.text).not.toContain(HOSTILE);
  });
});

describe('sign-in and logout', () => {
  it('signs in with a new session id and goes to backurl, never to another origin', async () => {
    const b = new Browser(portal.url);
    await b.get('/stream/');
    const guestId = b.sessionId;
    const res = await b.get(`/auth/?user=${alice.ID}&backurl=${encodeURIComponent('/online/')}`);
    expect(res.status).toBe(302);
    expect(res.location).toBe('/online/');
    expect(b.sessionId).not.toBe(guestId);
    expect(portal.pages.sessionUser(b.sessionId!)).toBe(alice.ID);
    expect(portal.pages.sessionUser(guestId!)).toBeUndefined();
    expect((await b.get(`/auth/?user=${alice.ID}&backurl=//evil.test/`)).location).toBe('/stream/');
    expect(portal.pages.signInUrl(alice.ID)).toBe(`${portal.url}/auth/?user=${alice.ID}`);
  });

  it('refuses unknown and dismissed users', async () => {
    const b = new Browser(portal.url);
    expect((await b.get('/auth/?user=999')).status).toBe(404);
    expect((await b.get(`/auth/?user=${dismissed.ID}`)).status).toBe(403);
    expect(portal.pages.sessionUser(b.sessionId!)).toBeNull();
  });

  it('logs out only with the session sessid', async () => {
    const b = await signedIn(alice);
    const before = b.sessionId!;
    const wrong = await b.get('/?logout=yes&sessid=0123456789abcdef0123456789abcdef');
    expect(wrong.status).toBe(400);
    expect(wrong.document.querySelector('#sandbox-error')?.textContent).toContain('session has expired');
    expect(portal.pages.sessionUser(before)).toBe(alice.ID);
    const res = await b.get(portal.pages.logoutUrl(before)!);
    expect(res.status).toBe(302);
    expect(b.sessionId).not.toBe(before);
    expect(portal.pages.sessionUser(b.sessionId!)).toBeNull();
    expect(pageBX((await b.get('/stream/')).document).message('USER_ID')).toBe('');
  });
});

describe('profile', () => {
  it('shows name, position, e-mail and status in the intranet.user.profile markup', async () => {
    const b = await signedIn(bob);
    const { status, document } = await b.get(`/company/personal/user/${alice.ID}/`);
    expect(status).toBe(200);
    expect(document.querySelector('#pagetitle')?.textContent).toBe('Alice Archer');
    const wrap = document.querySelector('div.intranet-user-profile#intranet-user-profile-wrap');
    expect(wrap).not.toBeNull();
    const value = (cid: string) =>
      document.querySelector(
        `.ui-entity-editor-content-block[data-cid="${cid}"] .ui-entity-editor-content-block-text`,
      )?.textContent;
    expect(value('EMAIL')).toBe('alice@example.test');
    expect(value('WORK_POSITION')).toBe('Accountant');
    expect(value('PERSONAL_PHONE')).toBeUndefined();
    expect(document.querySelector('.intranet-user-profile-rank-employee')).not.toBeNull();
  });

  it('shows a dismissed user as dismissed, and 404 for an unknown id', async () => {
    const b = await signedIn(alice);
    const { document } = await b.get(`/company/personal/user/${dismissed.ID}/`);
    expect(document.querySelector('.intranet-user-profile-rank-fired')?.textContent).toBe('DISMISSED');
    expect(
      document
        .querySelector('#intranet-user-profile-wrap')
        ?.classList.contains('intranet-user-profile-fired'),
    ).toBe(true);
    expect((await b.get('/company/personal/user/4242/')).status).toBe(404);
    expect(
      (await b.get(`/company/personal/user/${admin.ID}/`)).document.querySelector(
        '.intranet-user-profile-rank-admin',
      ),
    ).not.toBeNull();
  });

  it('escapes hostile field values', async () => {
    const b = await signedIn(alice);
    const res = await b.get(`/company/personal/user/${bob.ID}/`);
    expect(res.document.querySelector('#pagetitle')?.textContent).toBe(`Bob ${HOSTILE}`);
    expect(res.document.querySelector('img')).toBeNull();
  });
});
