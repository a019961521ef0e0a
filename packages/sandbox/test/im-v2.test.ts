import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.users(3);
});
afterAll(() => portal.close());

type Events = {
  events: { eventId: number; type: string; date: string; data: Record<string, unknown> }[];
  nextOffset: number | null;
  hasMore: boolean;
};

describe('im.v2.Event polling', () => {
  it('returns nothing without a subscription', async () => {
    const hook = portal.webhookUrl(4);
    await call(portal.webhookUrl(2), 'im.message.add', { DIALOG_ID: '4', MESSAGE: 'before' });
    expect(((await call(hook, 'im.v2.Event.get')).body.result as Events).events).toEqual([]);
  });

  it('logs add, update and delete for subscribed members and acknowledges with offset', async () => {
    const bob = portal.webhookUrl(3);
    const alice = portal.webhookUrl(2);
    expect((await call(bob, 'im.v2.Event.subscribe')).body.result).toBe(true);
    const id = (await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'hello' })).body
      .result as number;
    await call(alice, 'im.message.update', { MESSAGE_ID: id, MESSAGE: 'hello, edited' });
    await call(alice, 'im.message.delete', { MESSAGE_ID: id });

    const page = (await call(bob, 'im.v2.Event.get', { limit: 2 })).body.result as Events;
    expect(page.events.map((e) => e.type)).toEqual(['ONIMV2MESSAGEADD', 'ONIMV2MESSAGEUPDATE']);
    expect(page.hasMore).toBe(true);
    const add = page.events[0]?.data as {
      message: { id: number; text: string; authorId: number };
      chat: { dialogId: string };
      user: { id: number };
    };
    expect(add.message).toMatchObject({ id, text: 'hello', authorId: 2 });
    expect(add.chat.dialogId).toBe('2');
    expect(add.user.id).toBe(2);
    const update = page.events[1]?.data as { message: { text: string } } | undefined;
    expect(update?.message.text).toBe('hello, edited');

    const rest = (await call(bob, 'im.v2.Event.get', { offset: page.nextOffset })).body.result as Events;
    expect(rest.events.map((e) => e.type)).toEqual(['ONIMV2MESSAGEDELETE']);
    expect(rest.events[0]?.data.messageId).toBe(id);
    expect(rest.hasMore).toBe(false);
    const again = (await call(bob, 'im.v2.Event.get', { offset: page.nextOffset })).body.result as Events;
    expect(again.events).toHaveLength(1);
    const acked = (await call(bob, 'im.v2.Event.get', { offset: rest.nextOffset })).body.result as Events;
    expect(acked.events).toEqual([]);
  });

  it('unsubscribing stops recording but keeps what was recorded', async () => {
    const bob = portal.webhookUrl(3);
    const alice = portal.webhookUrl(2);
    await call(bob, 'im.v2.Event.subscribe');
    const kept = (await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'kept' })).body.result;
    expect((await call(bob, 'im.v2.Event.unsubscribe')).body.result).toBe(true);
    expect((await call(bob, 'im.v2.Event.unsubscribe')).body.result).toBe(true);
    await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'not recorded' });
    const log = (await call(bob, 'im.v2.Event.get')).body.result as Events;
    const texts = log.events.map((e) => (e.data as { message?: { id: number; text: string } }).message);
    expect(texts.some((m) => m?.id === kept)).toBe(true);
    expect(texts.some((m) => m?.text === 'not recorded')).toBe(false);
    // Acknowledged, it is gone; subscribed again, new events are recorded once more.
    await call(bob, 'im.v2.Event.get', { offset: log.nextOffset });
    await call(bob, 'im.v2.Event.subscribe');
    await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'back' });
    const after = (await call(bob, 'im.v2.Event.get', { offset: log.nextOffset })).body.result as Events;
    expect(after.events.map((e) => (e.data as { message?: { text: string } }).message?.text)).toEqual([
      'back',
    ]);
  });

  it('drops records older than 24 hours', async () => {
    const bob = portal.webhookUrl(3);
    await call(portal.webhookUrl(2), 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'old news' });
    for (const e of portal.state.imEvents) e.at -= 25 * 60 * 60 * 1000;
    expect(((await call(bob, 'im.v2.Event.get')).body.result as Events).events).toEqual([]);
  });
});
