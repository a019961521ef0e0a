import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/jobs/job-names.ts';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';

const key = (sessid: string) => createHash('sha256').update(sessid).digest('hex');
const HOUR = 3600_000;
/** The default time-out (settings: impersonation.maxMinutes = 480). */
const TIMEOUT = 8 * HOUR;
const START = `mutation ($u: Int!, $k: String!) { startImpersonation(impersonatedUserId: $u, sessionKey: $k) {
  __typename ... on ImpersonationSession { id startedAt } ... on Error { message } } }`;
const END = `mutation ($id: ID!) { endImpersonation(id: $id) { ... on ImpersonationSession { endedAt endReason } } }`;
const ONE = `query ($id: ID!) { impersonationSession(id: $id) { ... on ImpersonationSession {
  endedAt endReason actions { edges { node { action occurredAt metadata } } } } } }`;
const LIST = `query ($f: ImpersonationSessionFilter) { impersonationSessions(filter: $f) { edges { node { id endedAt endReason } } } }`;

let api: TestApi;
/** The sandbox's two administrators: a start closes its own administrator's other sessions only. */
let admin: string;
let otherAdmin: string;
beforeAll(async () => {
  // Jobs on: the job is not scheduled under tests, so nothing closes a session until a test sends it.
  api = await startTestApi();
  [admin, otherAdmin] = await Promise.all([api.tokenFor(1), api.tokenFor(2)]);
});
afterAll(() => api.close());

const em = () => api.services.orm.em.fork();
const row = (id: string) => em().findOneOrFail(ImpersonationSession, { id });
const auditCount = async () =>
  Number((await em().getConnection().execute('select count(*) as n from audit_event'))[0].n);
const endedEvents = async (sessionId: string) =>
  em()
    .getConnection()
    .execute<{ occurred_at: Date; metadata: { reason: string } }[]>(
      `select occurred_at, metadata from audit_event where action = 'impersonation.ended' and metadata->>'sessionId' = ?`,
      [sessionId],
    );

/** Starts a session through the API, then moves its start into the past. */
async function sessionStartedAgo(ms: number, impersonatedUserId: number, sessid: string, as = admin) {
  const s = (await api.gql(START, { u: impersonatedUserId, k: key(sessid) }, { token: as })).data
    ?.startImpersonation;
  expect(s.__typename).toBe('ImpersonationSession');
  const startedAt = new Date(Date.now() - ms);
  await em().nativeUpdate(ImpersonationSession, { id: s.id }, { startedAt });
  return { id: s.id as string, deadline: new Date(startedAt.getTime() + TIMEOUT) };
}

/** Sessions of distinct administrators (a start would close the same administrator's other sessions). */
async function openSessionsStartedAgo(ms: number, count: number): Promise<string[]> {
  const fork = em();
  const created = Array.from({ length: count }, (_, i) =>
    fork.create(ImpersonationSession, {
      adminUserId: 10_000 + i,
      impersonatedUserId: 8,
      sessionKey: key(`bulk-${ms}-${i}`),
      ip: '203.0.113.9',
      userAgent: null,
      reason: null,
      source: 'api',
      startedAt: new Date(Date.now() - ms - i * 1000),
    }),
  );
  await fork.flush();
  return created.map((s) => s.id);
}

describe('sessions past their time-out', () => {
  it('read as timed out at their deadline, and reading writes nothing', async () => {
    const s = await sessionStartedAgo(9 * HOUR, 10, 'read-only');
    const before = await auditCount();
    const one = (await api.gql(ONE, { id: s.id }, { token: admin })).data?.impersonationSession;
    expect(one).toMatchObject({ endedAt: s.deadline.toISOString(), endReason: 'TIMED_OUT' });
    const listed = (
      await api.gql(LIST, { f: { impersonatedUserId: 10 } }, { token: admin })
    ).data?.impersonationSessions.edges.map((e: any) => e.node);
    expect(listed).toContainEqual({ id: s.id, endedAt: s.deadline.toISOString(), endReason: 'TIMED_OUT' });
    const open = (await api.gql(LIST, { f: { open: true } }, { token: admin })).data?.impersonationSessions
      .edges;
    expect(open.map((e: any) => e.node.id)).not.toContain(s.id);
    // The alert's link page says the same.
    const page = await api.fetch(`/impersonation-sessions/${s.id}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(await page.json()).toMatchObject({ endedAt: s.deadline.toISOString(), endReason: 'TIMED_OUT' });
    // Still open in the database, and no event: the job records it.
    expect(await auditCount()).toBe(before);
    expect((await row(s.id)).endedAt).toBeNull();
  });

  it('are closed by one run of the job at their deadline, with one impersonation.ended event', async () => {
    const s = await sessionStartedAgo(9 * HOUR, 11, 'job-closes');
    const fresh = await sessionStartedAgo(1 * HOUR, 12, 'still-open', otherAdmin);
    await api.services.boss.send(JOBS.closeTimedOutImpersonations, {});
    const closed = await eventually(async () => (await row(s.id)).endedAt ?? undefined, 'the job');
    expect(closed.toISOString()).toBe(s.deadline.toISOString());
    expect((await row(s.id)).endReason).toBe('TIMED_OUT');
    const events = await endedEvents(s.id);
    expect(events).toHaveLength(1);
    expect(new Date(events[0]!.occurred_at).toISOString()).toBe(s.deadline.toISOString());
    expect(events[0]!.metadata.reason).toBe('TIMED_OUT');
    // The session reads the same as before the job, and lists its end among its actions.
    const one = (await api.gql(ONE, { id: s.id }, { token: admin })).data?.impersonationSession;
    expect(one).toMatchObject({ endedAt: s.deadline.toISOString(), endReason: 'TIMED_OUT' });
    expect(one.actions.edges.map((e: any) => e.node)).toContainEqual(
      expect.objectContaining({ action: 'impersonation.ended', occurredAt: s.deadline.toISOString() }),
    );
    // A session within its time-out is left open.
    expect((await row(fresh.id)).endedAt).toBeNull();
  });

  it('are closed once however often and however concurrently the job runs', async () => {
    const ids = await openSessionsStartedAgo(10 * HOUR, 23);
    const before = await auditCount();
    const runs = await Promise.all([
      api.services.impersonation.closeExpired(em(), new Date(), 5),
      api.services.impersonation.closeExpired(em(), new Date(), 5),
    ]);
    expect(runs[0]! + runs[1]!).toBe(23);
    expect(await api.services.impersonation.closeExpired(em())).toBe(0);
    expect(await auditCount()).toBe(before + runs[0]! + runs[1]!);
    for (const id of ids) expect(await endedEvents(id)).toHaveLength(1);
    const rows = await em().find(ImpersonationSession, { id: { $in: ids } });
    for (const r of rows) {
      expect(r.endReason).toBe('TIMED_OUT');
      expect(r.endedAt!.getTime()).toBe(r.startedAt.getTime() + TIMEOUT);
    }
    expect((await api.services.audit.verify(em())).ok).toBe(true);
  });

  it('ended late by their administrator are recorded as timed out at the deadline, once', async () => {
    const s = await sessionStartedAgo(9 * HOUR, 13, 'ended-late');
    expect((await api.gql(END, { id: s.id }, { token: admin })).data?.endImpersonation).toEqual({
      endedAt: s.deadline.toISOString(),
      endReason: 'TIMED_OUT',
    });
    await api.services.impersonation.closeExpired(em());
    expect(await endedEvents(s.id)).toHaveLength(1);
  });
});

describe('a start with a new session key', () => {
  it('still closes the administrator’s previous session, now', async () => {
    const first = await sessionStartedAgo(1 * HOUR, 14, 'key-one', otherAdmin);
    const before = Date.now();
    await api.gql(START, { u: 15, k: key('key-two') }, { token: otherAdmin });
    const old = await row(first.id);
    expect(old.endReason).toBe('SESSION_CHANGED');
    expect(old.endedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await endedEvents(first.id)).toHaveLength(1);
  });

  it('records a previous session already past its time-out as timed out at its deadline', async () => {
    const first = await sessionStartedAgo(9 * HOUR, 16, 'key-three');
    await api.gql(START, { u: 17, k: key('key-four') }, { token: admin });
    const old = await row(first.id);
    expect(old).toMatchObject({ endReason: 'TIMED_OUT', endedAt: first.deadline });
    await api.services.impersonation.closeExpired(em());
    const events = await endedEvents(first.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata.reason).toBe('TIMED_OUT');
  });
});
