import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;

beforeAll(async () => {
  portal = await startPortal();
});
afterAll(() => portal.close());

const json = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${portal.url}/_sandbox${path}`, init);
  return { status: res.status, body: (await res.json()) as unknown };
};
const post = (path: string, body: unknown) =>
  json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('inspection endpoint', () => {
  it('describes the portal', async () => {
    const { body } = await json('/info');
    expect(body).toMatchObject({
      domain: 'sandbox.bitrix24.local',
      dataset: 'demo',
      applicationToken: portal.applicationToken,
    });
    expect((body as { methods: string[] }).methods).toContain('im.message.delete');
    expect((body as { adminWebhookUrl: string }).adminWebhookUrl).toBe(portal.webhookUrl(1));
    const { webhookUrls } = body as { webhookUrls: Record<string, string> };
    expect(Object.keys(webhookUrls)).toHaveLength(portal.state.users.size);
    expect(webhookUrls['12']).toBe(portal.webhookUrl(12));
    expect(((await call(webhookUrls['12']!, 'user.current')).body.result as { ID: string }).ID).toBe('12');
  });

  it('issues a webhook for a user', async () => {
    const { body } = await post('/webhooks', { userId: 12 });
    const { url } = body as { url: string };
    expect(url).toBe(portal.webhookUrl(12));
    expect(((await call(url, 'user.current')).body.result as { ID: string }).ID).toBe('12');
    expect((await post('/webhooks', { userId: 9999 })).status).toBe(404);
  });

  it('shows state: users, notifications per user, messages, posts', async () => {
    const hook = portal.webhookUrl(1);
    const id = (await call(hook, 'im.notify.system.add', { USER_ID: 5, MESSAGE: 'Your export is ready' }))
      .body.result;
    const notes = (await json('/state/notifications?userId=5')).body as { id: number; message: string }[];
    expect(notes.find((n) => n.id === id)?.message).toBe('Your export is ready');
    expect(((await json('/state/users')).body as unknown[]).length).toBe(50);
    expect(((await json('/state/users/3')).body as { ID: number }).ID).toBe(3);
    const chats = (await json('/state/chats?userId=3')).body as { id: number }[];
    const msgs = (await json(`/state/messages?chatId=${chats[0]?.id}`)).body as { chatId: number }[];
    expect(msgs.every((m) => m.chatId === chats[0]?.id)).toBe(true);
    expect(((await json('/state/posts')).body as unknown[]).length).toBe(portal.state.posts.size);
  });

  it('counts requests per method and calls per target id', async () => {
    await post('/counters/reset', {});
    const hook = portal.webhookUrl(1);
    const chat = portal.seed.chat([1, 2], { title: 'x', type: 'chat' });
    const m = portal.seed.message(chat.id, 1, 'bye');
    await call(hook, 'im.message.delete', { MESSAGE_ID: m.id });
    await call(hook, 'im.message.delete', { MESSAGE_ID: m.id });
    await call(hook, 'batch', { cmd: [`im.message.delete?MESSAGE_ID=${m.id}`, 'user.admin'] });
    const c = (await json('/counters')).body as {
      httpRequests: number;
      httpByMethod: Record<string, number>;
      calls: Record<string, number>;
      callsByTarget: Record<string, Record<string, number>>;
    };
    expect(c.httpRequests).toBe(3);
    expect(c.httpByMethod).toEqual({ 'im.message.delete': 2, batch: 1 });
    expect(c.calls['im.message.delete']).toBe(3);
    expect(c.callsByTarget['im.message.delete']?.[String(m.id)]).toBe(3);
    expect(portal.counters.calls('im.message.delete', m.id)).toBe(3);
  });

  it('changes the rate limit and resets over HTTP', async () => {
    expect(
      (
        await json('/rate-limit', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: 'false',
        })
      ).status,
    ).toBe(200);
    await call(portal.webhookUrl(1), 'user.update', { ID: 8, NAME: 'Temp' });
    expect((await post('/reset', {})).status).toBe(200);
    expect(portal.state.users.get(8)?.NAME).not.toBe('Temp');
  });

  it('seeds chats and messages over HTTP', async () => {
    const chat = (await post('/seed/chat', { memberIds: [3, 4], type: 'private' })).body as { id: number };
    const r = (await post('/seed/messages', { chatId: chat.id, count: 120 })).body as {
      firstId: number;
      lastId: number;
    };
    expect(r.lastId - r.firstId).toBe(119);
  });
});

describe('pages', () => {
  it('lists the portal and its users with text escaped', async () => {
    portal.seed.user({ NAME: '<script>alert(1)</script>', LAST_NAME: 'Evil' });
    const res = await fetch(`${portal.url}/`);
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Sandbox Ltd (demo)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });
});

// Last: it adds a user, which the counts above do not expect.
describe('inspection endpoint after seeding', () => {
  it('lists the webhook of a user added later', async () => {
    const { body } = await post('/seed/users', { count: 1, prefix: 'Late' });
    const [id] = (body as { ids: number[] }).ids;
    const info = (await json('/info')).body as { webhookUrls: Record<string, string> };
    expect(
      ((await call(info.webhookUrls[String(id)]!, 'user.current')).body.result as { ID: string }).ID,
    ).toBe(String(id));
  });
});
