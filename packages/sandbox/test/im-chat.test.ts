import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.users(3);
});
afterAll(() => portal.close());

describe('im.chat.add and im.chat.get', () => {
  it('creates a group chat owned by its creator, found again by its entity pair', async () => {
    const admin = portal.webhookUrl(1);
    const created = await call(admin, 'im.chat.add', {
      USERS: [],
      TITLE: 'Audit heads',
      DESCRIPTION: 'signed heads',
      ENTITY_TYPE: 'B24_GDPR_AUDIT',
      ENTITY_ID: 'tree-heads',
    });
    expect(created.status).toBe(200);
    const id = created.body.result as number;
    expect(portal.state.chats.get(id)).toMatchObject({
      type: 'chat',
      title: 'Audit heads',
      ownerId: 1,
      memberIds: [1],
      entity: { type: 'B24_GDPR_AUDIT', id: 'tree-heads' },
    });
    // Any user finds it by the pair, member or not; another pair finds nothing.
    const found = await call(portal.webhookUrl(2), 'im.chat.get', {
      ENTITY_TYPE: 'B24_GDPR_AUDIT',
      ENTITY_ID: 'tree-heads',
    });
    expect(found.body.result).toEqual({ ID: id });
    expect(
      (await call(admin, 'im.chat.get', { ENTITY_TYPE: 'B24_GDPR_AUDIT', ENTITY_ID: 'x' })).body.result,
    ).toBeNull();

    // Messages in it are the members' own: another user can neither post nor read.
    const posted = await call(admin, 'im.message.add', { DIALOG_ID: `chat${id}`, MESSAGE: 'head 1' });
    expect(posted.status).toBe(200);
    expect(
      (await call(portal.webhookUrl(2), 'im.dialog.messages.get', { DIALOG_ID: `chat${id}` })).status,
    ).toBe(403);
    await call(admin, 'im.message.update', { MESSAGE_ID: posted.body.result, MESSAGE: 'head 1, edited' });
    const read = await call(admin, 'im.dialog.messages.get', { DIALOG_ID: `chat${id}` });
    expect((read.body.result as { messages: unknown[] }).messages).toMatchObject([
      { id: posted.body.result, author_id: 1, text: 'head 1, edited', params: { IS_EDITED: 'Y' } },
    ]);
  });

  it('reads USERS as the platform does, and names the other members in a default title', async () => {
    const alice = portal.webhookUrl(2);
    const id = (await call(alice, 'im.chat.add', { USERS: '[3, 0, 999]', TYPE: 'OPEN' })).body
      .result as number;
    const chat = portal.state.chats.get(id)!;
    expect(chat).toMatchObject({ type: 'open', ownerId: 2, memberIds: [2, 3] });
    expect(chat.title).toMatch(/^Chat with /);
    const bad = await call(alice, 'im.chat.add', { USERS: [[3]] });
    expect(bad).toMatchObject({ status: 400, body: { error: 'INVALID_FORMAT' } });
  });
});
