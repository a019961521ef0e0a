import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { AuditorGrant } from '../../src/modules/identity/auditor-grant.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';

const REQUEST = `mutation ($login: String!) { requestSignInCode(login: $login) { __typename ... on SignInCodeRequested { message expiresInSeconds } } }`;
const GRANT = `mutation ($userId: Int!) { grantAuditor(userId: $userId) { __typename ... on AuditorGrant { id } } }`;
const REVOKE = `mutation ($userId: Int!) { revokeAuditor(userId: $userId) { __typename ... on AuditorGrant { id } } }`;
const EVENTS = `query ($f: AuditEventFilter) { auditEvents(filter: $f, first: 50) { ... on QueryAuditEventsConnection {
  edges { node { action actor targetType targetId metadata } } } } }`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const rowsOf = (action: string) =>
  api.services.orm.em.fork().find(AuditEvent, { action }, { orderBy: { seq: 'asc' } });

describe('auditor grants', () => {
  it('are logged when granted and when revoked, each in the transaction of the change', async () => {
    const admin = await api.tokenFor(1);
    const granted = await api.gql(GRANT, { userId: 9 }, { token: admin });
    const grantId = granted.data?.grantAuditor.id;
    expect(grantId).toBeTruthy();
    const [event] = await rowsOf('auditor.granted');
    expect(event).toMatchObject({ actor: '1', targetType: 'user', targetId: '9' });
    // Granting again changes nothing and logs nothing.
    await api.gql(GRANT, { userId: 9 }, { token: admin });
    expect(await rowsOf('auditor.granted')).toHaveLength(1);
    await api.gql(REVOKE, { userId: 9 }, { token: admin });
    expect(await rowsOf('auditor.revoked')).toMatchObject([{ actor: '1', targetId: '9' }]);
    const grant = await api.services.orm.em.fork().findOneOrFail(AuditorGrant, { id: grantId });
    expect(grant.revokedAt).toBeInstanceOf(Date);
    // The auditor-to-be reads both about themselves; the chain still verifies.
    const theirs = await api.gql(EVENTS, {}, { token: await api.tokenFor(9) });
    const actions = theirs.data?.auditEvents.edges.map((e: { node: { action: string } }) => e.node.action);
    expect(actions).toEqual(expect.arrayContaining(['auditor.granted', 'auditor.revoked']));
    expect((await api.services.audit.verify(api.services.orm.em.fork(), {})).ok).toBe(true);
  });
});

describe('sign-in code requests', () => {
  it('are logged alike for a login that exists and one that does not, and never with the code', async () => {
    const known = await api.gql(REQUEST, { login: '12' });
    const unknown = await api.gql(REQUEST, { login: '777777' });
    expect(known.data).toEqual({
      requestSignInCode: { ...unknown.data?.requestSignInCode },
    });
    const requested = await rowsOf('auth.code.requested');
    expect(requested).toHaveLength(2);
    const [a, b] = requested.map((e) => ({
      actor: e.actor,
      target: [e.targetType, e.targetId],
      keys: Object.keys(e.metadata),
    }));
    // Same shape, no user named: the log cannot tell the requester (or anyone) whether login 12 exists.
    expect(a).toEqual(b);
    expect(a).toEqual({ actor: null, target: [null, null], keys: ['loginKey'] });
    expect(requested[0]!.metadata.loginKey).not.toBe(requested[1]!.metadata.loginKey);
    for (const e of requested) expect(Object.values(e.metadata)).not.toEqual(expect.arrayContaining(['12']));
    expect(JSON.stringify(requested.map((e) => e.metadata))).not.toContain('777777');

    // After the reply, the delivery to the real user is logged, about them, without the code.
    const sent = await eventually(
      async () => (await rowsOf('auth.code.sent'))[0],
      'the code.sent event',
      400,
    );
    expect(sent).toMatchObject({ actor: null, targetType: 'user', targetId: '12' });
    // The notification goes out after the code (and its event) committed.
    const notice = await eventually(
      () =>
        [...api.portal.state.notifications.values()].find(
          (n) => n.userId === 12 && /sign-in code is \d{6}/.test(n.message),
        ),
      'the code notification',
      400,
    );
    const code = /sign-in code is (\d{6})/.exec(notice.message)![1]!;
    for (const e of await api.services.orm.em.fork().find(AuditEvent, {}))
      expect(Object.values(e.metadata).map(String)).not.toContain(code);
    expect(await rowsOf('auth.code.sent')).toHaveLength(1);
  });

  it('writes nothing when refused by the rate limit', async () => {
    const login = '888888';
    for (let i = 0; i < 3; i++) await api.gql(REQUEST, { login });
    const before = (await rowsOf('auth.code.requested')).length;
    const limited = await api.gql(REQUEST, { login });
    expect(limited.data?.requestSignInCode.__typename).toBe('RateLimitedError');
    expect(await rowsOf('auth.code.requested')).toHaveLength(before);
  });
});
