import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETED_MESSAGE_TEXT, type SandboxPortal, setMessageDeleteRule } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;
let alice: string;
let bob: string;

// Users in the empty dataset: 1 = admin; 2 = alice, 3 = bob, 4 = carol (employees).
beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.users(3);
  admin = portal.webhookUrl(1);
  alice = portal.webhookUrl(2);
  bob = portal.webhookUrl(3);
});
afterAll(() => portal.close());

describe('user.update', () => {
  it('refuses a non-administrator with 400 ERROR_CORE access_denied (user-update.md)', async () => {
    const r = await call(alice, 'user.update', { ID: 3, NAME: 'Mallory' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'ERROR_CORE', error_description: 'access_denied' });
    expect(portal.state.users.get(3)?.NAME).not.toBe('Mallory');
  });

  it('lets an administrator change personal fields and dismiss with ACTIVE N or false', async () => {
    expect(
      (await call(admin, 'user.update', { ID: 3, NAME: 'Anon', PERSONAL_BIRTHDAY: '', ACTIVE: 'N' })).body
        .result,
    ).toBe(true);
    const u = portal.state.users.get(3);
    expect(u?.NAME).toBe('Anon');
    expect(u?.ACTIVE).toBe(false);
    await call(admin, 'user.update', { ID: 3, ACTIVE: true });
    expect(portal.state.users.get(3)?.ACTIVE).toBe(true);
    const listed = await call(admin, 'user.get', { ID: 3 });
    expect((listed.body.result as { ACTIVE: boolean }[])[0]?.ACTIVE).toBe(true);
  });

  it('refuses an unknown ID', async () => {
    expect((await call(admin, 'user.update', { ID: 9999, NAME: 'x' })).body.error).toBe('ERROR_CORE');
  });

  it('stops a dismissed employee’s webhook', async () => {
    await call(admin, 'user.update', { ID: 4, ACTIVE: 'N' });
    const r = await call(portal.webhookUrl(4), 'user.current');
    expect(r.status).toBe(401);
    await call(admin, 'user.update', { ID: 4, ACTIVE: 'Y' });
    expect((await call(portal.webhookUrl(4), 'user.current')).status).toBe(200);
  });
});

describe('Live Feed', () => {
  it('lets only the author or an administrator edit and delete a post', async () => {
    const postId = (await call(alice, 'log.blogpost.add', { POST_MESSAGE: 'Hello', POST_TITLE: 'Hi' })).body
      .result as number;
    const denied = await call(bob, 'log.blogpost.update', { POST_ID: postId, POST_MESSAGE: 'hacked' });
    expect(denied.status).toBe(400);
    expect(denied.body).toEqual({ error: '', error_description: 'No permissions' });
    expect((await call(bob, 'log.blogpost.delete', { POST_ID: postId })).body.error_description).toBe(
      'No permissions',
    );
    expect(
      (await call(alice, 'log.blogpost.update', { POST_ID: postId, POST_MESSAGE: 'Edited' })).status,
    ).toBe(200);
    expect(portal.state.posts.get(postId)?.text).toBe('Edited');
    expect((await call(admin, 'log.blogpost.delete', { POST_ID: postId })).body.result).toBe(true);
    expect(portal.state.posts.has(postId)).toBe(false);
  });

  it('hides posts addressed to others', async () => {
    const postId = (await call(alice, 'log.blogpost.add', { POST_MESSAGE: 'Only for me', DEST: ['U2'] })).body
      .result as number;
    const forBob = await call(bob, 'log.blogpost.get', { POST_ID: postId });
    expect(forBob.body.result).toEqual([]);
    const forAlice = await call(alice, 'log.blogpost.get', { POST_ID: postId });
    expect((forAlice.body.result as { DETAIL_TEXT: string }[])[0]?.DETAIL_TEXT).toBe('Only for me');
    expect(
      (await call(bob, 'log.blogcomment.add', { POST_ID: postId, TEXT: 'hi' })).body.error_description,
    ).toBe('No post found');
  });
});

describe('chats', () => {
  it('lets only participants read a dialog (ACCESS_ERROR)', async () => {
    const chat = portal.seed.chat([2, 3], { title: 'Project', type: 'chat' });
    portal.seed.messages(chat.id, 3);
    const outsider = await call(portal.webhookUrl(4), 'im.dialog.messages.get', {
      DIALOG_ID: `chat${chat.id}`,
    });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error).toBe('ACCESS_ERROR');
    const member = await call(alice, 'im.dialog.messages.get', { DIALOG_ID: `chat${chat.id}` });
    expect((member.body.result as { messages: unknown[] }).messages).toHaveLength(3);
  });

  it('shows a chat’s member ids only to its members (im.chat.user.list)', async () => {
    const chat = portal.seed.chat([2, 3], { title: 'Members', type: 'chat' });
    const member = await call(bob, 'im.chat.user.list', { CHAT_ID: chat.id });
    expect(member.body.result).toEqual([2, 3]);
    expect((await call(alice, 'im.chat.user.list', { DIALOG_ID: `chat${chat.id}` })).body.result).toEqual([
      2, 3,
    ]);
    // Not a member: an empty list, the administrator included ("no permission", im-chat-user-list.md).
    expect((await call(admin, 'im.chat.user.list', { CHAT_ID: chat.id })).body.result).toEqual([]);
    expect((await call(portal.webhookUrl(4), 'im.chat.user.list', { CHAT_ID: chat.id })).body.result).toEqual(
      [],
    );
    expect((await call(alice, 'im.chat.user.list', {})).body.error).toBe('CHAT_ID_EMPTY');
  });

  it('keeps private chats invisible to administrators', async () => {
    const chat = portal.seed.privateChat(2, 3);
    portal.seed.message(chat.id, 2, 'secret');
    const r = await call(admin, 'im.dialog.messages.get', { DIALOG_ID: `chat${chat.id}` });
    expect(r.body.error).toBe('ACCESS_ERROR');
    const recent = await call(admin, 'im.recent.list');
    expect(
      (recent.body.result as { items: { chat_id: number }[] }).items.map((i) => i.chat_id),
    ).not.toContain(chat.id);
    const mine = await call(alice, 'im.dialog.messages.get', { DIALOG_ID: '3' });
    expect((mine.body.result as { messages: { text: string }[] }).messages[0]?.text).toBe('secret');
  });

  it('lets only the author edit a message (CANT_EDIT_MESSAGE)', async () => {
    const id = (await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'hi bob' })).body
      .result as number;
    const r = await call(bob, 'im.message.update', { MESSAGE_ID: id, MESSAGE: 'changed' });
    expect(r.body.error).toBe('CANT_EDIT_MESSAGE');
    expect((await call(admin, 'im.message.delete', { MESSAGE_ID: id })).body.error).toBe('CANT_EDIT_MESSAGE');
    expect((await call(alice, 'im.message.update', { MESSAGE_ID: id, MESSAGE: 'hi Bob!' })).body.result).toBe(
      true,
    );
    const m = portal.state.messages.get(id);
    expect(m?.text).toBe('hi Bob!');
    expect(m?.edited).toBe(true);
  });

  it("lets an administrator delete a deactivated author's message in any chat, leaving the tombstone", async () => {
    const chat = portal.seed.chat([1, 2, 3, 4], { title: 'Team', type: 'chat' });
    const m = portal.seed.message(chat.id, 4, 'to be removed', {
      params: { ATTACH: [{ ID: 1 }], LIKE: [2] },
    });
    expect((await call(bob, 'im.message.delete', { MESSAGE_ID: m.id })).body.error).toBe('CANT_EDIT_MESSAGE');
    // The author is active: the portal lets no administrator delete the message (BITRIX24-APPS.md §10).
    expect((await call(admin, 'im.message.delete', { MESSAGE_ID: m.id })).body.error).toBe(
      'CANT_EDIT_MESSAGE',
    );
    const author = portal.state.user(4);
    if (!author) throw new Error('seeded user 4 missing');
    author.ACTIVE = false;
    try {
      // The platform's check asks no membership: a private chat of two others, a group chat without the admin.
      const privately = portal.seed.message(portal.seed.privateChat(2, 4).id, 4, 'just for alice');
      const outside = portal.seed.chat([2, 4], { title: 'Without the admin', type: 'chat' });
      const elsewhere = portal.seed.message(outside.id, 4, 'not the admin’s chat');
      for (const id of [m.id, privately.id, elsewhere.id]) {
        expect((await call(admin, 'im.message.delete', { MESSAGE_ID: id })).body.result).toBe(true);
        expect(portal.state.messages.get(id)).toMatchObject({ deleted: true, text: DELETED_MESSAGE_TEXT });
      }
      // Deleting it again is refused; a colleague still cannot delete.
      expect((await call(admin, 'im.message.delete', { MESSAGE_ID: m.id })).body.error).toBe(
        'CANT_EDIT_MESSAGE',
      );
      const listed = await call(alice, 'im.dialog.messages.get', { DIALOG_ID: `chat${chat.id}` });
      const [stub] = (listed.body.result as { messages: { id: number; text: string; params: unknown }[] })
        .messages;
      // CIMMessenger::Delete: the phrase as text, IS_DELETED set, attachments cleared, other params kept.
      expect(stub).toMatchObject({ id: m.id, text: DELETED_MESSAGE_TEXT });
      expect(stub?.params).toEqual({ LIKE: [2], IS_DELETED: 'Y' });
      const theirs = await call(alice, 'im.dialog.messages.get', { DIALOG_ID: '4' });
      expect((theirs.body.result as { messages: { text: string }[] }).messages[0]?.text).toBe(
        DELETED_MESSAGE_TEXT,
      );
      expect((await call(admin, 'im.message.delete', { MESSAGE_ID: 999_999 })).body.error).toBe(
        'MESSAGE_ID_ERROR',
      );
    } finally {
      author.ACTIVE = true;
    }
  });

  it('keeps the stricter docs-and-source rule as a switch: group chats the administrator is in only', async () => {
    setMessageDeleteRule(portal.state, 'docs-and-source');
    const author = portal.state.user(4);
    if (!author) throw new Error('seeded user 4 missing');
    author.ACTIVE = false;
    try {
      const inGroup = portal.seed.message(
        portal.seed.chat([1, 2, 4], { title: 'With the admin' }).id,
        4,
        'a',
      );
      const privately = portal.seed.message(portal.seed.privateChat(3, 4).id, 4, 'b');
      const outside = portal.seed.message(portal.seed.chat([2, 4], { title: 'Without' }).id, 4, 'c');
      for (const id of [privately.id, outside.id]) {
        expect((await call(admin, 'im.message.delete', { MESSAGE_ID: id })).body.error).toBe(
          'CANT_EDIT_MESSAGE',
        );
        expect(portal.state.messages.get(id)?.deleted).toBe(false);
      }
      expect((await call(admin, 'im.message.delete', { MESSAGE_ID: inGroup.id })).body.result).toBe(true);
    } finally {
      author.ACTIVE = true;
      setMessageDeleteRule(portal.state, 'source');
    }
  });
});
