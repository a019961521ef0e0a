import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const key = (sessid: string) => createHash('sha256').update(sessid).digest('hex');
const START = `mutation ($u: Int!, $k: String!, $r: String) { startImpersonation(impersonatedUserId: $u, sessionKey: $k, reason: $r) {
  __typename ... on ImpersonationSession { id adminUserId impersonatedUserId sessionKey ip endedAt alertedAt alertError }
  ... on InvalidInputError { field message } ... on NotFoundError { message } } }`;
const END = `mutation ($id: ID!) { endImpersonation(id: $id) { __typename ... on ImpersonationSession { endedAt endReason } ... on Error { message } } }`;
const LIST = `query ($f: ImpersonationSessionFilter) { impersonationSessions(filter: $f) { edges { node { id adminUserId impersonatedUserId endedAt endReason } } } }`;

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
});
afterAll(() => api.close());

const messagesTo = (recipient: number) =>
  [...api.portal.state.messages.values()].filter((m) => {
    const chat = api.portal.state.chats.get(m.chatId);
    return chat?.type === 'private' && chat.memberIds.includes(recipient) && m.authorId === 1;
  });
const notificationsOf = (userId: number) =>
  [...api.portal.state.notifications.values()].filter((n) => n.userId === userId);

describe('impersonation sessions', () => {
  it('are recorded with both users, the session key and the IP, and announced in the portal', async () => {
    const alertsBefore = messagesTo(1).length;
    const notesBefore = notificationsOf(8).length;
    const started = (
      await api.gql(START, { u: 8, k: key('sessid-aaa'), r: 'helpdesk ticket 42' }, { token: admin })
    ).data?.startImpersonation;
    expect(started).toMatchObject({
      __typename: 'ImpersonationSession',
      adminUserId: 1,
      impersonatedUserId: 8,
      sessionKey: key('sessid-aaa'),
      endedAt: null,
      alertError: null,
    });
    expect(started.alertedAt).toBeTruthy();
    const alert = messagesTo(1).slice(alertsBefore).at(-1);
    const admin1 = api.portal.state.users.get(1)!;
    const user8 = api.portal.state.users.get(8)!;
    expect(alert?.text).toContain(
      `${admin1.NAME} ${admin1.LAST_NAME} logged in as ${user8.NAME} ${user8.LAST_NAME}`,
    );
    expect(alert?.text).toContain(`/impersonation-sessions/${started.id}`);
    expect(notificationsOf(8).slice(notesBefore).at(-1)?.message).toMatch(/signed in to the portal as you/);
  });

  it('reporting the same start twice records one session', async () => {
    const again = (await api.gql(START, { u: 8, k: key('sessid-aaa') }, { token: admin })).data
      ?.startImpersonation;
    const all = await api.services.orm.em
      .fork()
      .count(ImpersonationSession, { sessionKey: key('sessid-aaa') });
    expect(all).toBe(1);
    expect(again.impersonatedUserId).toBe(8);
  });

  it('a start with a new session key closes the previous session', async () => {
    const next = (await api.gql(START, { u: 9, k: key('sessid-bbb') }, { token: admin })).data
      ?.startImpersonation;
    const sessions = (
      await api.gql(LIST, { f: { adminUserId: 1 } }, { token: admin })
    ).data?.impersonationSessions.edges.map((e: any) => e.node);
    expect(sessions[0]).toMatchObject({ id: next.id, endedAt: null });
    expect(sessions[1]).toMatchObject({ impersonatedUserId: 8, endReason: 'SESSION_CHANGED' });
    expect((await api.gql(END, { id: next.id }, { token: admin })).data?.endImpersonation).toMatchObject({
      endReason: 'ENDED',
    });
  });

  it('a session nobody ends closes itself after the configured time', async () => {
    const s = (await api.gql(START, { u: 10, k: key('sessid-ccc') }, { token: admin })).data
      ?.startImpersonation;
    await api.services.orm.em
      .fork()
      .nativeUpdate(ImpersonationSession, { id: s.id }, { startedAt: new Date(Date.now() - 9 * 3600_000) });
    const listed = (await api.gql(LIST, { f: { impersonatedUserId: 10 } }, { token: admin })).data
      ?.impersonationSessions.edges[0].node;
    expect(listed).toMatchObject({ endReason: 'TIMED_OUT' });
  });

  it('only administrators start them; bad input is refused with nothing recorded', async () => {
    const employee = await api.tokenFor(5);
    expect(
      (await api.gql(START, { u: 8, k: key('x') }, { token: employee })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const before = await api.services.orm.em.fork().count(ImpersonationSession, {});
    expect(
      (await api.gql(START, { u: 8, k: 'not-a-hash' }, { token: admin })).data?.startImpersonation,
    ).toMatchObject({ field: 'sessionKey' });
    expect(
      (await api.gql(START, { u: 1, k: key('y') }, { token: admin })).data?.startImpersonation,
    ).toMatchObject({ field: 'impersonatedUserId' });
    expect(
      (await api.gql(START, { u: 424242, k: key('z') }, { token: admin })).data?.startImpersonation
        .__typename,
    ).toBe('NotFoundError');
    expect(await api.services.orm.em.fork().count(ImpersonationSession, {})).toBe(before);
  });

  it('names both people, so the impersonated employee learns who it was', async () => {
    const eight = await api.tokenFor(8);
    const q = '{ impersonationSessions(first: 5) { edges { node { adminName impersonatedName } } } }';
    const nodes = (await api.gql(q, {}, { token: eight })).data?.impersonationSessions.edges.map(
      (e: any) => e.node,
    );
    const name = (id: number) =>
      `${api.portal.state.users.get(id)!.NAME} ${api.portal.state.users.get(id)!.LAST_NAME}`;
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node).toEqual({ adminName: name(1), impersonatedName: name(8) });
  });

  it('an employee sees only the sessions in which they were impersonated', async () => {
    const eight = await api.tokenFor(8);
    const mine = (await api.gql(LIST, {}, { token: eight })).data?.impersonationSessions.edges.map(
      (e: any) => e.node.impersonatedUserId,
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine)).toEqual(new Set([8]));
    const other = await api.tokenFor(11 + 1);
    expect((await api.gql(LIST, {}, { token: other })).data?.impersonationSessions.edges).toEqual([]);
  });

  it('lists everything done with the session key under the session, and logs its start and end', async () => {
    const k = key('sessid-ddd');
    const s = (await api.gql(START, { u: 14, k }, { token: admin })).data?.startImpersonation;
    const record = `mutation ($e: [AuditEventInput!]!) { recordEvents(events: $e) { __typename } }`;
    await api.gql(
      record,
      {
        e: [
          {
            idempotencyKey: 'edit-1',
            action: 'post.edited',
            occurredAt: new Date().toISOString(),
            onBehalfOfId: 14,
            sessionKey: k,
            targetType: 'post',
            targetId: '77',
          },
        ],
      },
      { token: admin },
    );
    await api.gql(END, { id: s.id }, { token: admin });
    await api.gql(END, { id: s.id }, { token: admin }); // reported twice, logged once
    const q = `query ($id: ID!) { impersonationSession(id: $id) { ... on ImpersonationSession { actions { edges { node { action actor onBehalfOf } } } } } }`;
    const actions = (
      await api.gql(q, { id: s.id }, { token: admin })
    ).data?.impersonationSession.actions.edges.map((e: any) => e.node.action);
    expect(actions).toEqual(['impersonation.ended', 'post.edited', 'impersonation.started']);
    // The impersonated employee sees what was done as them.
    const fourteen = await api.tokenFor(14);
    expect(
      (await api.gql(q, { id: s.id }, { token: fourteen })).data?.impersonationSession.actions.edges,
    ).toHaveLength(3);
    expect((await api.services.audit.verify(api.services.orm.em.fork())).ok).toBe(true);
  });

  it('takes onBehalfOfId from a user only for their own session with that user and key', async () => {
    const k = key('sessid-fff');
    await api.gql(START, { u: 16, k }, { token: admin });
    const record = `mutation ($e: [AuditEventInput!]!) { recordEvents(events: $e) { __typename ... on InvalidInputError { field message } ... on RecordEventsResult { stored } } }`;
    const edit = (idempotencyKey: string, onBehalfOfId: number, sessionKey: string) => ({
      idempotencyKey,
      action: 'post.edited',
      occurredAt: new Date().toISOString(),
      onBehalfOfId,
      sessionKey,
      targetType: 'post',
      targetId: '78',
    });
    const before = (await api.services.audit.verify(api.services.orm.em.fork())).checked;
    // Another user than the one impersonated, a key of no session, and an employee claiming the admin's session.
    for (const [token, e] of [
      [admin, edit('claim-1', 17, k)],
      [admin, edit('claim-2', 16, key('sessid-none'))],
      [await api.tokenFor(17), edit('claim-3', 16, k)],
    ] as const) {
      const refused = (await api.gql(record, { e: [e] }, { token })).data?.recordEvents;
      expect(refused).toMatchObject({ __typename: 'InvalidInputError', field: 'events.0.onBehalfOfId' });
    }
    expect((await api.services.audit.verify(api.services.orm.em.fork())).checked).toBe(before);
    const ok = (await api.gql(record, { e: [edit('claim-4', 16, k)] }, { token: admin })).data?.recordEvents;
    expect(ok).toMatchObject({ __typename: 'RecordEventsResult', stored: 1 });
  });

  it('only the session’s administrator (or another administrator) can end it', async () => {
    const s = (await api.gql(START, { u: 15, k: key('sessid-eee') }, { token: admin })).data
      ?.startImpersonation;
    const impersonated = await api.tokenFor(15);
    expect(
      (await api.gql(END, { id: s.id }, { token: impersonated })).data?.endImpersonation.__typename,
    ).toBe('NotFoundError');
    expect(
      (await api.gql(END, { id: s.id }, { token: await api.tokenFor(16) })).data?.endImpersonation.__typename,
    ).toBe('NotFoundError');
    expect((await api.gql(END, { id: s.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await api.gql(END, { id: s.id }, { token: await api.tokenFor(2) })).data?.endImpersonation,
    ).toMatchObject({ endReason: 'ENDED' });
  });

  it('the alert link shows the session to those who may see it', async () => {
    const [session] = await api.services.orm.em
      .fork()
      .find(ImpersonationSession, { impersonatedUserId: 8 }, { limit: 1 });
    const as = async (token?: string) =>
      api.fetch(`/impersonation-sessions/${session!.id}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await as(await api.tokenFor(8))).status).toBe(200);
    expect((await as(admin)).status).toBe(200);
    expect((await as(await api.tokenFor(13))).status).toBe(404);
    expect((await as()).status).toBe(401);
  });
});
