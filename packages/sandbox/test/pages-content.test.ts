import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Post, SandboxPortal, User } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';
import { all, Browser, type PageDocument, pageBX } from './pages-browser.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

let portal: SandboxPortal;
let admin: User;
let alice: User;
let bob: User;
let carol: User;
let posts: Post[];
let chat: Chat;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  admin = portal.state.user(1)!;
  const [a, b, c] = portal.seed.users(3);
  [alice, bob, carol] = [a!, b!, c!];
  alice.NAME = 'Alice';
  posts = portal.seed.posts(alice.ID, 45, { title: (i) => (i === 44 ? `Title ${HOSTILE}` : '') });
  chat = portal.seed.chat([alice.ID, bob.ID], { title: 'Team', type: 'chat' });
  portal.seed.messages(chat.id, 3, { authorIds: [alice.ID, bob.ID] });
});
afterAll(() => portal.close());

const signedIn = async (user: User) => {
  const b = new Browser(portal.url);
  await b.signIn(user.ID);
  return b;
};
const ids = (doc: PageDocument) => all(doc, 'div.feed-post-block').map((p) => p.id);

describe('Live Feed', () => {
  it('renders the first 20 posts newest first with the blog post markup', async () => {
    const b = await signedIn(bob);
    const { document } = await b.get('/stream/');
    const items = all(document, '#log_internal_container .feed-wrap > div.feed-item-wrap[data-livefeed-id]');
    expect(items).toHaveLength(20);
    expect(ids(document)[0]).toBe(`blg-post-${posts[44]!.id}`);
    expect(ids(document)[19]).toBe(`blg-post-${posts[25]!.id}`);
    const id = posts[44]!.id;
    const post = document.querySelector(`div.feed-post-block#blg-post-${id}`)!;
    const author = post.querySelector('a.feed-post-user-name[bx-post-author-id]')!;
    expect(author.getAttribute('bx-post-author-id')).toBe(String(alice.ID));
    expect(author.textContent).toBe(`Alice ${alice.LAST_NAME}`);
    expect(author.getAttribute('href')).toBe(`/company/personal/user/${alice.ID}/`);
    expect(
      post.querySelector(`.feed-post-text-block#blog_post_outer_${id} #blog_post_body_${id}`),
    ).not.toBeNull();
    expect(post.querySelector('.feed-post-title')?.textContent).toBe(`Title ${HOSTILE}`);
    expect(post.querySelector('.feed-post-text')?.textContent).toBe('Post 45');
    // Untitled (MICRO) posts have no title element.
    expect(document.querySelector(`#blg-post-${posts[43]!.id} .feed-post-title`)).toBeNull();
    const more = document.querySelector('#sonet_log_more_container a')!;
    expect(more.getAttribute('href')).toBe('/stream/?PAGEN_1=2');
  });

  it('serves the next pages as fragments for the loader, the last one without "more"', async () => {
    const b = await signedIn(bob);
    const second = await b.get('/stream/?PAGEN_1=2&logajax=Y');
    expect(second.text).not.toContain('<html');
    expect(ids(second.document)).toEqual(
      posts
        .slice(5, 25)
        .reverse()
        .map((p) => `blg-post-${p.id}`),
    );
    expect(second.document.querySelector('#sonet_log_more_container a')?.getAttribute('href')).toBe(
      '/stream/?PAGEN_1=3',
    );
    const third = await b.get('/stream/?PAGEN_1=3&logajax=Y');
    expect(ids(third.document)).toHaveLength(5);
    expect(third.document.querySelector('#sonet_log_more_container')).toBeNull();
  });

  it('renders N posts at once with ?count=', async () => {
    const b = await signedIn(bob);
    const { document } = await b.get('/stream/?count=500');
    expect(all(document, 'div.feed-item-wrap')).toHaveLength(45);
    expect(document.querySelector('#sonet_log_more_container')).toBeNull();
    const page = await b.get('/stream/?count=10&PAGEN_1=2&logajax=Y');
    expect(ids(page.document)).toHaveLength(10);
    expect(page.document.querySelector('#sonet_log_more_container a')?.getAttribute('href')).toBe(
      '/stream/?PAGEN_1=3&count=10',
    );
  });

  it('shows hostile text as text and an edit through REST on reload', async () => {
    const post = portal.seed.post(carol.ID, `hello ${HOSTILE}\nsecond line`);
    const b = await signedIn(bob);
    const before = await b.get('/stream/');
    const text = before.document.querySelector(`#blog_post_body_${post.id} .feed-post-text`)!;
    expect(text.textContent).toBe(`hello ${HOSTILE}second line`);
    expect(text.querySelector('img')).toBeNull();
    expect(text.querySelectorAll('br')).toHaveLength(1);
    const update = await call(portal.webhookUrl(carol.ID), 'log.blogpost.update', {
      POST_ID: post.id,
      POST_MESSAGE: 'edited text',
    });
    expect(update.body.result).toBe(post.id);
    const after = await b.get('/stream/');
    expect(after.document.querySelector(`#blog_post_body_${post.id} .feed-post-text`)?.textContent).toBe(
      'edited text',
    );
    portal.state.posts.delete(post.id);
  });

  it('shows only posts the user may see', async () => {
    const post = portal.seed.post(alice.ID, 'for bob only', { dest: [`U${bob.ID}`] });
    expect(
      (await (await signedIn(bob)).get('/stream/')).document.querySelector(`#blg-post-${post.id}`),
    ).not.toBeNull();
    expect(
      (await (await signedIn(carol)).get('/stream/')).document.querySelector(`#blg-post-${post.id}`),
    ).toBeNull();
    portal.state.posts.delete(post.id);
  });
});

describe('messenger', () => {
  it('shows the dialog messages with data-id and the edit mark after an edit through REST', async () => {
    const b = await signedIn(alice);
    const url = `/online/?IM_DIALOG=chat${chat.id}`;
    const before = await b.get(url);
    const wraps = all(before.document, 'div.bx-im-message-base__wrap[data-id]');
    expect(wraps.map((w) => Number(w.getAttribute('data-id')))).toEqual(chat.messageIds);
    expect(wraps[0]!.querySelector('.bx-im-message-base__text')?.textContent).toBe('Message 1');
    expect(wraps[0]!.classList.contains('--self')).toBe(true);
    expect(wraps[1]!.classList.contains('--opponent')).toBe(true);
    expect(before.document.querySelector('.bx-im-message-status__edit-mark')).toBeNull();

    const first = chat.messageIds[0]!;
    const res = await call(portal.webhookUrl(alice.ID), 'im.message.update', {
      MESSAGE_ID: first,
      MESSAGE: `now ${HOSTILE}`,
    });
    expect(res.body.result).toBe(true);
    const after = await b.get(url);
    const edited = after.document.querySelector(`div.bx-im-message-base__wrap[data-id="${first}"]`)!;
    expect(edited.querySelector('div.bx-im-message-status__edit-mark')).not.toBeNull();
    expect(edited.querySelector('.bx-im-message-base__text')?.textContent).toBe(`now ${HOSTILE}`);
    expect(after.document.querySelector('img')).toBeNull();
    expect(all(after.document, 'div.bx-im-message-status__edit-mark')).toHaveLength(1);
  });

  it('opens a private chat by user id and refuses chats the user is not in', async () => {
    const priv = portal.seed.privateChat(alice.ID, carol.ID);
    const m = portal.seed.message(priv.id, carol.ID, 'psst');
    const b = await signedIn(alice);
    const res = await b.get(`/online/?IM_DIALOG=${carol.ID}`);
    expect(res.document.querySelector(`div.bx-im-message-base__wrap[data-id="${m.id}"]`)).not.toBeNull();
    expect(all(res.document, `.bx-im-list-recent-item__wrap[data-id="${carol.ID}"]`)).toHaveLength(1);
    const outsider = await signedIn(admin);
    expect((await outsider.get(`/online/?IM_DIALOG=chat${priv.id}`)).status).toBe(403);
    expect((await outsider.get('/online/?IM_DIALOG=chat9999')).status).toBe(404);
  });
});

describe('admin user list and Authorize', () => {
  it('lists users with Authorize links for administrators only', async () => {
    const b = await signedIn(admin);
    const { status, document } = await b.get('/bitrix/admin/user_admin.php?lang=en');
    expect(status).toBe(200);
    const sessid = pageBX(document).bitrix_sessid();
    const link = document.querySelector(
      `tr.adm-list-table-row[data-id="${bob.ID}"] a.adm-list-table-action-authorize`,
    );
    expect(link?.getAttribute('href')).toBe(
      `/bitrix/admin/user_admin.php?lang=en&ID=${bob.ID}&action=authorize&sessid=${sessid}`,
    );
    expect((await (await signedIn(alice)).get('/bitrix/admin/user_admin.php')).status).toBe(403);
  });

  it('refuses a wrong sessid and a non-administrator, changing nothing', async () => {
    const a = await signedIn(admin);
    const before = a.sessionId!;
    const wrong = await a.get(
      `/bitrix/admin/user_admin.php?lang=en&ID=${bob.ID}&action=authorize&sessid=bad`,
    );
    expect(wrong.status).toBe(400);
    expect(a.sessionId).toBe(before);
    expect(portal.pages.sessionUser(before)).toBe(admin.ID);

    const e = await signedIn(alice);
    const own = portal.pages.authorizeUrl(e.sessionId!, bob.ID)!;
    const refused = await e.get(own);
    expect(refused.status).toBe(403);
    expect(portal.pages.sessionUser(e.sessionId!)).toBe(alice.ID);
    expect(portal.pages.authorizations()).toEqual([]);
  });

  it('switches an administrator to the user with a new session id and sessid', async () => {
    const a = await signedIn(admin);
    const oldId = a.sessionId!;
    const oldSessid = pageBX((await a.get('/stream/')).document).bitrix_sessid();
    const res = await a.get(portal.pages.authorizeUrl(oldId, bob.ID)!);
    expect(res.status).toBe(302);
    expect(res.location).toBe('/stream/');
    expect(a.sessionId).not.toBe(oldId);
    const page = await a.get('/stream/');
    const BX = pageBX(page.document);
    expect(BX.message('USER_ID')).toBe(String(bob.ID));
    expect(BX.bitrix_sessid()).not.toBe(oldSessid);
    expect(portal.pages.sessionUser(oldId)).toBeUndefined();
    expect(portal.pages.authorizations()).toMatchObject([
      { adminId: admin.ID, userId: bob.ID, sessidBefore: oldSessid, sessidAfter: BX.bitrix_sessid() },
    ]);
    const inspected = await fetch(`${portal.url}/_sandbox/state/authorizations`).then((r) => r.json());
    expect(inspected).toHaveLength(1);
    // The old token no longer works: it belonged to the ended session.
    expect((await a.get(`/?logout=yes&sessid=${oldSessid}`)).status).toBe(400);
  });
});
