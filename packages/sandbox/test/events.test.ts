import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, type Receiver, startPortal, startReceiver } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;
let receiver: Receiver;
let receiverUrl: string;
let received: Receiver['received'];

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.users(2);
  admin = portal.webhookUrl(1);
  receiver = await startReceiver();
  receiverUrl = receiver.url;
  received = receiver.received;
});
afterAll(async () => {
  await portal.close();
  await receiver.close();
});

describe('event.bind and delivery', () => {
  it('binds, lists and refuses a duplicate or unknown event', async () => {
    for (const event of ['ONLIVEFEEDPOSTADD', 'ONLIVEFEEDPOSTUPDATE', 'onLiveFeedPostDelete']) {
      expect((await call(admin, 'event.bind', { event, handler: receiverUrl })).body.result).toBe(true);
    }
    const dup = await call(admin, 'event.bind', { event: 'ONLIVEFEEDPOSTADD', handler: receiverUrl });
    expect(dup.body.error).toBe('ERROR_HANDLER_ALREADY_EXIST');
    expect((await call(admin, 'event.bind', { event: 'ONNOPE', handler: receiverUrl })).body.error).toBe(
      'ERROR_EVENT_NOT_FOUND',
    );
    const list = (await call(admin, 'event.get')).body.result as {
      event: string;
      handler: string;
      offline: number;
    }[];
    expect(list.map((b) => b.event)).toEqual([
      'ONLIVEFEEDPOSTADD',
      'ONLIVEFEEDPOSTUPDATE',
      'ONLIVEFEEDPOSTDELETE',
    ]);
    expect(list[0]).toMatchObject({ handler: receiverUrl, auth_type: '0', offline: 0 });
  });

  it('POSTs form-encoded events with application_token after add, update and delete', async () => {
    received.length = 0;
    const hook = portal.webhookUrl(2);
    const postId = (await call(hook, 'log.blogpost.add', { POST_MESSAGE: 'News' })).body.result as number;
    await call(hook, 'log.blogpost.update', { POST_ID: postId, POST_MESSAGE: 'News!' });
    await call(hook, 'log.blogpost.delete', { POST_ID: postId });
    await portal.events.flush();
    expect(received.map((r) => r.body.get('event'))).toEqual([
      'ONLIVEFEEDPOSTADD',
      'ONLIVEFEEDPOSTUPDATE',
      'ONLIVEFEEDPOSTDELETE',
    ]);
    const first = received[0];
    expect(first?.type).toContain('application/x-www-form-urlencoded');
    expect(first?.body.get('data[FIELDS][POST_ID]')).toBe(String(postId));
    expect(first?.body.get('auth[application_token]')).toBe(portal.applicationToken);
    expect(first?.body.get('auth[domain]')).toBe('sandbox.bitrix24.local');
    expect(first?.body.get('auth[member_id]')).toBe(portal.memberId);
    expect(first?.body.get('auth[client_endpoint]')).toBe(`${portal.url}/rest/`);
    expect(first?.body.get('auth[server_endpoint]')).toBeTruthy();
    expect(Number(first?.body.get('ts'))).toBeGreaterThan(1_700_000_000);
    expect(first?.body.get('event_handler_id')).toMatch(/^\d+$/);
    // The authorisation of the user who triggered it (events/index.md, "Parameter auth"): user 2 here.
    expect(first?.body.get('auth[user_id]')).toBe('2');
    expect(first?.body.get('auth[access_token]')).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.body.get('auth[expires_in]')).toBe('3600');
    expect(first?.body.get('auth[scope]')).toBe('log');
    expect(first?.body.get('auth[status]')).toBe('L');
    expect(first?.body.has('auth[refresh_token]')).toBe(false);
    const deliveries = portal.events.deliveries();
    expect(deliveries.slice(-3).every((d) => d.status === 200)).toBe(true);
  });

  it("names the binding's auth_type user instead of the triggering one", async () => {
    received.length = 0;
    await call(admin, 'event.bind', {
      event: 'ONLIVEFEEDPOSTDELETE',
      handler: `${receiverUrl}?as=1`,
      auth_type: 1,
    });
    const hook = portal.webhookUrl(2);
    const postId = (await call(hook, 'log.blogpost.add', { POST_MESSAGE: 'Gone soon' })).body
      .result as number;
    await call(hook, 'log.blogpost.delete', { POST_ID: postId });
    await portal.events.flush();
    const deletes = received.filter((r) => r.body.get('event') === 'ONLIVEFEEDPOSTDELETE');
    expect(deletes.map((r) => r.body.get('auth[user_id]')).sort()).toEqual(['1', '2']);
    await call(admin, 'event.unbind', { event: 'ONLIVEFEEDPOSTDELETE', handler: `${receiverUrl}?as=1` });
  });

  it('records a failed delivery and does not retry it', async () => {
    await call(admin, 'event.unbind', { event: 'ONLIVEFEEDPOSTADD', handler: receiverUrl });
    await call(admin, 'event.bind', { event: 'ONLIVEFEEDPOSTADD', handler: 'http://127.0.0.1:9/nowhere' });
    const before = portal.events.deliveries().length;
    await call(admin, 'log.blogpost.add', { POST_MESSAGE: 'Nobody listens' });
    await portal.events.flush();
    await new Promise((r) => setTimeout(r, 100));
    const after = portal.events.deliveries().slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.status).toBeNull();
    expect(after[0]?.error).toBeTruthy();
    const viaHttp = (await (await fetch(`${portal.url}/_sandbox/deliveries`)).json()) as unknown[];
    expect(viaHttp.length).toBe(before + 1);
  });

  it('lets only administrators unbind, and answers the count', async () => {
    expect((await call(portal.webhookUrl(2), 'event.unbind', { event: 'ONLIVEFEEDPOSTUPDATE' })).status).toBe(
      403,
    );
    const r = await call(admin, 'event.unbind', { event: 'ONLIVEFEEDPOSTUPDATE', handler: receiverUrl });
    expect(r.body.result).toEqual({ count: 1 });
  });
});
