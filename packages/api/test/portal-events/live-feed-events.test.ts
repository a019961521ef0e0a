import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { PortalEvent } from '../../src/modules/portal-events/portal-event.entity.ts';
import { eventually, type TestApi } from '../support/api.ts';
import { historyQuery, type ListeningApi, startListeningApi } from './listening-api.ts';

let l: ListeningApi;
let api: TestApi;
let base: string;
let auditor: string;
let bound: string[];

const HISTORY = historyQuery('POST');

beforeAll(async () => {
  l = await startListeningApi();
  ({ api, base, bound } = l);
  auditor = await api.tokenFor(1);
});
afterAll(async () => {
  await l?.close();
});

const processed = () => l.processed();

const versionsOf = (postId: number) =>
  api.services.orm.em
    .fork()
    .find(ContentVersion, { entityType: 'POST', entityId: String(postId) }, { orderBy: { version: 'asc' } });

describe('POST /bitrix24/events', () => {
  it('binds its handlers once (event.get first)', async () => {
    expect(bound).toContain('ONLIVEFEEDPOSTUPDATE');
    expect(await api.services.portalEvents.bindHandlers()).toEqual([]);
    const bindings = [...api.portal.state.eventBindings.values()].filter(
      (b) => b.handler === `${base}/bitrix24/events`,
    );
    expect(bindings.map((b) => b.event).sort()).toEqual([...new Set(bindings.map((b) => b.event))].sort());
    expect(bindings.length).toBe(6);
  });

  it('stores a version for a post added and edited in the portal, with the word diff', async () => {
    const author = api.services.portal.asUser(5)!;
    const postId = await author.call('log.blogpost.add', {
      POST_MESSAGE: 'The meeting is on Monday',
      DEST: ['UA'],
    });
    // Events carry only the post id: each is processed against the post as it is when fetched.
    await processed();
    await author.call('log.blogpost.update', { POST_ID: postId, POST_MESSAGE: 'The meeting is on Tuesday' });
    await api.portal.events.flush();
    const deliveries = api.portal.events.deliveries().filter((d) => d.url.startsWith(base));
    expect(deliveries.map((d) => [d.event, d.status])).toEqual([
      ['ONLIVEFEEDPOSTADD', 200],
      ['ONLIVEFEEDPOSTUPDATE', 200],
    ]);
    await api.services.portalEvents.settled();
    await api.services.portalEvents.drain();
    const versions = await eventually(async () => {
      const found = await versionsOf(postId);
      return found.length === 2 ? found : undefined;
    }, 'two versions');
    expect(versions.map((v) => [v.version, v.text, v.editor, v.source])).toEqual([
      [1, 'The meeting is on Monday', 5, 'portal-event'],
      [2, 'The meeting is on Tuesday', 5, 'portal-event'],
    ]);
    const res = await api.gql(HISTORY, { id: String(postId) }, { token: auditor });
    expect(res.data?.editHistory.versions[1].diff).toEqual([
      { kind: 'UNCHANGED', text: 'The meeting is on ' },
      { kind: 'REMOVED', text: 'Monday' },
      { kind: 'ADDED', text: 'Tuesday' },
    ]);
  });

  it('records a deletion', async () => {
    const author = api.services.portal.asUser(5)!;
    const postId = await author.call('log.blogpost.add', { POST_MESSAGE: 'Short-lived', DEST: ['UA'] });
    await api.portal.events.flush();
    await api.services.portalEvents.settled();
    await api.services.portalEvents.drain();
    await author.call('log.blogpost.delete', { POST_ID: postId });
    await api.portal.events.flush();
    await api.services.portalEvents.settled();
    await api.services.portalEvents.drain();
    const versions = await versionsOf(postId);
    expect(versions.map((v) => [v.version, v.text, v.deleted])).toEqual([
      [1, 'Short-lived', false],
      [2, '', true],
    ]);
  });

  it('refuses an unknown application token (401) and stores nothing', async () => {
    const before = await api.services.orm.em.fork().count(PortalEvent, {});
    const form = (token: string) => ({
      event: 'ONLIVEFEEDPOSTUPDATE',
      event_handler_id: '1',
      'data[FIELDS][POST_ID]': '1',
      ts: String(Math.floor(Date.now() / 1000)),
      'auth[domain]': api.portal.domain,
      'auth[member_id]': api.portal.memberId,
      'auth[application_token]': token,
    });
    const post = l.deliver;
    expect((await post(form('not-the-token'))).status).toBe(401);
    expect((await post(form(''))).status).toBe(401);
    expect((await post(form(`${api.portal.applicationToken}x`))).status).toBe(401);
    expect(await api.services.orm.em.fork().count(PortalEvent, {})).toBe(before);
    expect(await versionsOf(1)).toEqual([]);
    // The right token is accepted, and the token itself is not stored.
    const ok = await post(form(api.portal.applicationToken));
    expect(ok.status).toBe(200);
    const stored = await api.services.orm.em
      .fork()
      .find(PortalEvent, {}, { orderBy: { createdAt: 'desc' }, limit: 1 });
    expect(JSON.stringify(stored[0]?.payload)).not.toContain(api.portal.applicationToken);
  });

  it('keeps a delivery whose processing fails and retries it later', async () => {
    const author = api.services.portal.asUser(5)!;
    const fault = api.portal.faults.inject({
      kind: 'expired-token',
      methods: ['log.blogpost.get'],
      count: 100,
    });
    const postId = await author.call('log.blogpost.add', { POST_MESSAGE: 'Retry me', DEST: ['UA'] });
    await api.portal.events.flush();
    await api.services.portalEvents.settled();
    await api.services.portalEvents.drain();
    expect(await versionsOf(postId)).toEqual([]);
    api.portal.faults.remove(fault);
    const em = api.services.orm.em.fork();
    const pending = await em.find(PortalEvent, { processedAt: null });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending[0]?.error).toBeTruthy();
    // Retried after the backoff; the test moves the claim into the past instead of waiting.
    await em.nativeUpdate(PortalEvent, { processedAt: null }, { claimedUntil: new Date(0) });
    await api.services.portalEvents.drain();
    expect((await versionsOf(postId)).map((v) => v.text)).toEqual(['Retry me']);
  }, 60_000);
});
