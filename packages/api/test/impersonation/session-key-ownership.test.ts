import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const key = (sessid: string) => createHash('sha256').update(sessid).digest('hex');
const K = key('sessid-of-admin-1');
const START = `mutation ($u: Int!, $k: String!) { startImpersonation(impersonatedUserId: $u, sessionKey: $k) {
  ... on ImpersonationSession { id sessionKey sessionRef } } }`;
const SESSIONS = `{ impersonationSessions { edges { node { id sessionKey sessionRef
  actions { edges { node { action actor sessionKey sessionRef } } } } } } }`;
const RECORD = `mutation ($e: [AuditEventInput!]!) { recordEvents(events: $e) { __typename
  ... on RecordEventsResult { stored } ... on InvalidInputError { field message } } }`;
const EVENTS = `{ auditEvents(first: 50) { ... on QueryAuditEventsConnection { edges { node { action sessionKey sessionRef } } } } }`;

let api: TestApi;
let admin: string;
let sessionId: string;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
  sessionId = (await api.gql(START, { u: 8, k: K }, { token: admin })).data?.startImpersonation.id;
});
afterAll(() => api.close());

const event = (n: number, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: `own-${n}`,
  action: 'post.deleted',
  occurredAt: new Date().toISOString(),
  targetType: 'post',
  targetId: String(n),
  sessionKey: K,
  ...extra,
});
const storedUnderKey = () => api.services.orm.em.fork().find(AuditEvent, { sessionKey: K });

describe("an impersonation session's key", () => {
  it('is shown to nobody but its administrator; everyone else reads a keyed reference', async () => {
    const employee = (await api.gql(SESSIONS, {}, { token: await api.tokenFor(8) })).data
      ?.impersonationSessions.edges[0].node;
    const otherAdmin = (await api.gql(SESSIONS, {}, { token: await api.tokenFor(2) })).data
      ?.impersonationSessions.edges[0].node;
    const own = (await api.gql(SESSIONS, {}, { token: admin })).data?.impersonationSessions.edges[0].node;
    expect(employee.sessionKey).toBeNull();
    expect(otherAdmin.sessionKey).toBeNull();
    expect(own.sessionKey).toBe(K);
    expect(employee.sessionRef).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set([employee.sessionRef, otherAdmin.sessionRef, own.sessionRef]).size).toBe(1);
    // Nor through the audit log: the employee reads impersonation.started about them, without the key.
    const theirs = (await api.gql(EVENTS, {}, { token: await api.tokenFor(8) })).data?.auditEvents.edges;
    const started = theirs.find(
      (e: { node: { action: string } }) => e.node.action === 'impersonation.started',
    );
    expect(started.node).toMatchObject({ sessionKey: null, sessionRef: own.sessionRef });
    expect(JSON.stringify(theirs)).not.toContain(K);
  });

  it('cannot be used by the impersonated employee (or anyone else) to file events as the session’s actions', async () => {
    const before = await storedUnderKey();
    const employee = await api.tokenFor(8);
    const refused = await api.gql(RECORD, { e: [event(1)] }, { token: employee });
    expect(refused.data?.recordEvents).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'events.0.sessionKey',
    });
    // The hashed session token is the same key.
    const byToken = await api.gql(
      RECORD,
      { e: [event(2, { sessionKey: null, sessionToken: 'sessid-of-admin-1' })] },
      { token: await api.tokenFor(2) },
    );
    expect(byToken.data?.recordEvents.__typename).toBe('InvalidInputError');
    expect(await storedUnderKey()).toHaveLength(before.length);
  });

  it('is refused to an integrator relaying it for anyone but the administrator', async () => {
    const { token } = await api.services.tokens.issueIntegratorToken(
      api.services.orm.em.fork(),
      ['audit:write'],
      'relay',
      1,
    );
    // Integrators relay only actions outside the product's own namespaces.
    const relay = (n: number, actorId: number) =>
      event(n, { actorId, action: 'crm.deal.exported', targetType: 'deal' });
    const asOther = await api.gql(RECORD, { e: [relay(3, 9)] }, { token });
    expect(asOther.data?.recordEvents.__typename).toBe('InvalidInputError');
    const asAdmin = await api.gql(RECORD, { e: [relay(4, 1)] }, { token });
    expect(asAdmin.data?.recordEvents).toMatchObject({ stored: 1 });
  });

  it("lists the administrator's own recordings among the session's actions, and only theirs", async () => {
    expect((await api.gql(RECORD, { e: [event(5)] }, { token: admin })).data?.recordEvents).toMatchObject({
      stored: 1,
    });
    // A row filed under the key before these checks existed (written here directly) is not an action.
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'post.deleted', actorId: 9, sessionKey: K, source: 'api', target: { type: 'post', id: '6' } },
    ]);
    const session = (await api.gql(SESSIONS, {}, { token: admin })).data?.impersonationSessions.edges.find(
      (e: { node: { id: string } }) => e.node.id === sessionId,
    ).node;
    const actors = session.actions.edges.map((e: { node: { actor: string } }) => e.node.actor);
    expect(actors.length).toBeGreaterThanOrEqual(3);
    expect(new Set(actors)).toEqual(new Set(['1']));
  });
});
