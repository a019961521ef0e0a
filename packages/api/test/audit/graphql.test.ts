import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) {
    __typename
    ... on RecordEventsResult { stored duplicates }
    ... on InvalidInputError { field message }
    ... on ReservedActionError { field action }
  }
}`;

const EVENTS = `query ($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    __typename
    ... on QueryAuditEventsConnection {
      edges { cursor node { id seq action actor onBehalfOf targetType targetId sessionKey sessionRef ip source occurredAt metadata } }
      pageInfo { hasNextPage endCursor }
    }
    ... on InvalidInputError { field message }
  }
}`;

const VERIFY = `query ($from: DateTime, $to: DateTime) {
  verifyAuditLog(from: $from, to: $to) { ok checked fromSeq toSeq problem { kind seq eventId message } }
}`;

type Node = { id: string; seq: string; action: string; actor: string | null; occurredAt: string };

const base = Date.now() - 3_600_000;
function event(i: number, extra: Record<string, unknown> = {}) {
  return {
    idempotencyKey: `ext-${i}`,
    action: i % 2 ? 'message.edited' : 'post.edited',
    occurredAt: new Date(base + i * 1000).toISOString(),
    sessionToken: 'bitrix-sessid-abc',
    targetType: 'message',
    targetId: String(500 + i),
    metadata: { chat: 'chat7', note: '=HYPERLINK("x")' },
    ...extra,
  };
}

describe(`audit GraphQL and CSV (on ${backend})`, () => {
  let api: TestApi;
  let admin: string;
  let employee: string;
  let other: string;
  let auditor: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    admin = await api.tokenFor(1);
    employee = await api.tokenFor(5);
    other = await api.tokenFor(6);
    auditor = await api.tokenFor(15);
    await api.gql('mutation { grantAuditor(userId: 15) { __typename } }', {}, { token: admin });
    const em = api.services.orm.em.fork();
    writer = (await api.services.tokens.issueIntegratorToken(em, ['audit:write'], 'relay', null)).token;
    reader = (await api.services.tokens.issueIntegratorToken(em, ['audit:read'], 'siem', null)).token;
  });
  afterAll(() => api?.close());

  const list = async (token: string, filter: Record<string, unknown> = {}, first = 50, after?: string) =>
    (await api.gql(EVENTS, { filter, first, after }, { token })).data?.auditEvents;

  it('records a batch once, however often it is sent', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => event(i));
    const first = await api.gql(RECORD, { events: batch }, { token: employee });
    expect(first.data?.recordEvents).toEqual({ __typename: 'RecordEventsResult', stored: 30, duplicates: 0 });
    const again = await api.gql(RECORD, { events: batch }, { token: employee });
    expect(again.data?.recordEvents).toEqual({ __typename: 'RecordEventsResult', stored: 0, duplicates: 30 });
    const mixed = await api.gql(RECORD, { events: [...batch.slice(0, 5), event(30)] }, { token: employee });
    expect(mixed.data?.recordEvents).toMatchObject({ stored: 1, duplicates: 5 });
    const count = await api.services.orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from audit_event where actor = '5'`);
    expect(Number(count[0]!.n)).toBe(31);
  });

  it('takes the actor from the token and hashes the session token', async () => {
    const page = await list(admin, { actor: '5' }, 1);
    const node = page.edges[0].node;
    expect(node).toMatchObject({ actor: '5', source: 'EXTENSION', targetType: 'message' });
    // The key is the actor's own: only they read it; an administrator reads its keyed reference.
    expect(node.sessionKey).toBeNull();
    expect(node.sessionRef).toMatch(/^[0-9a-f]{32}$/);
    expect((await list(employee, { actor: '5' }, 1)).edges[0].node.sessionKey).toMatch(/^[0-9a-f]{64}$/);
    const refused = await api.gql(RECORD, { events: [event(99, { actorId: 6 })] }, { token: employee });
    expect(refused.data?.recordEvents).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'events.0.actorId',
    });
  });

  it('validates at the edge: size of the batch, action names, sizes, times', async () => {
    const cases: [Record<string, unknown>[], string][] = [
      [[], 'events'],
      [Array.from({ length: 501 }, (_, i) => event(1000 + i)), 'events'],
      [[event(1, { action: 'Message.Edited' })], 'events.0.action'],
      [[event(1, { action: 'edited' })], 'events.0.action'],
      [[event(1, { idempotencyKey: '' })], 'events.0.idempotencyKey'],
      [[event(1, { metadata: { big: 'x'.repeat(5000) } })], 'events.0.metadata'],
      [[event(1, { metadata: [1, 2] })], 'events.0.metadata'],
      [[event(1, { metadata: { nul: 'a\u0000b' } })], 'events.0.metadata.nul'], // the edge names the key
      [[event(1, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() })], 'events.0.occurredAt'],
      [[event(1, { sessionKey: 'not-hex' })], 'events.0.sessionKey'],
      [[event(1, { targetId: null })], 'events.0.targetId'],
      [[event(1, { source: 'PORTAL_EVENT' })], 'events.0.source'],
    ];
    for (const [events, field] of cases) {
      const result = await api.gql(RECORD, { events }, { token: employee });
      expect(result.data?.recordEvents, field).toMatchObject({ __typename: 'InvalidInputError', field });
    }
  });

  it('lets integrators with audit:write name the actor; others are refused', async () => {
    // The product's own security actions are never relayed: "impersonation.started by user 1" is refused.
    const before = (await api.services.audit.verify(api.services.orm.em.fork())).checked;
    for (const action of ['impersonation.started', 'auth.signin', 'dsr.erase.confirmed', 'post.edited']) {
      const forged = await api.gql(
        RECORD,
        { events: [event(40, { actorId: 1, onBehalfOfId: 5, action, targetType: 'user', targetId: '5' })] },
        { token: writer },
      );
      expect(forged.data?.recordEvents, action).toMatchObject({
        __typename: 'ReservedActionError',
        field: 'events.0.action',
        action,
      });
    }
    expect((await api.services.audit.verify(api.services.orm.em.fork())).checked).toBe(before);
    const relayed = await api.gql(
      RECORD,
      {
        events: [
          event(0, {
            actorId: 1,
            onBehalfOfId: 5,
            action: 'crm.deal.exported',
            ip: '198.51.100.4',
            source: 'PORTAL_EVENT',
            targetType: 'user',
            targetId: '5',
          }),
          event(1, {
            actorId: 6,
            action: 'sso.session.refreshed',
            source: 'PORTAL_POLL',
            targetType: null,
            targetId: null,
          }),
        ],
      },
      { token: writer },
    );
    expect(relayed.data?.recordEvents).toMatchObject({ stored: 2, duplicates: 0 });
    for (const token of [reader, undefined]) {
      const refused = await api.gql(RECORD, { events: [event(7)] }, token ? { token } : {});
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('filters by actor, on-behalf-of, subject, action prefix, session, target, IP and time', async () => {
    const count = async (filter: Record<string, unknown>) => (await list(admin, filter, 200)).edges.length;
    expect(await count({})).toBe(34);
    expect(await count({ actor: '5' })).toBe(31);
    expect(await count({ actor: '1' })).toBe(2);
    expect(await count({ onBehalfOf: '5' })).toBe(1);
    expect(await count({ subject: '5' })).toBe(32);
    expect(await count({ subject: '6' })).toBe(1);
    expect(await count({ actionPrefix: 'message' })).toBe(15);
    expect(await count({ actionPrefix: 'message.edited' })).toBe(15);
    expect(await count({ actionPrefix: 'crm.' })).toBe(1);
    expect(await count({ actionPrefix: 'mess' })).toBe(0);
    const key = (await list(employee, { actor: '5' }, 1)).edges[0].node.sessionKey;
    expect(await count({ sessionKey: key })).toBe(33);
    expect(await count({ targetType: 'message', targetId: '503' })).toBe(1);
    expect(await count({ ip: '198.51.100.4' })).toBe(1);
    const from = new Date(base + 10_000).toISOString();
    const to = new Date(base + 20_000).toISOString();
    expect(await count({ actor: '5', occurredFrom: from, occurredTo: to })).toBe(10);
    const bad = await list(admin, { actionPrefix: 'DROP TABLE' });
    expect(bad).toMatchObject({ __typename: 'InvalidInputError', field: 'filter.actionPrefix' });
  });

  it('pages newest first over (occurred-at, id) without gaps or repeats', async () => {
    const seen: Node[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await list(auditor, {}, 7, after);
      seen.push(...page.edges.map((e: { node: Node }) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(34);
    expect(new Set(seen.map((n) => n.id)).size).toBe(34);
    const order = seen.map((n) => `${n.occurredAt}|${n.id}`);
    expect(order).toEqual([...order].sort().reverse());
    const bad = await list(auditor, {}, 7, 'not-a-cursor');
    expect(bad).toMatchObject({ __typename: 'InvalidInputError', field: 'after' });
  });

  it('shows employees only the events about them; auditors, admins and audit:read integrators all', async () => {
    expect((await list(other, {}, 200)).edges).toHaveLength(1);
    expect((await list(other, {}, 200)).edges[0].node.actor).toBe('6');
    expect((await list(employee, { actor: '6' }, 200)).edges).toHaveLength(0);
    expect(await list(employee, { subject: '6' })).toMatchObject({ __typename: 'InvalidInputError' });
    expect((await list(employee, {}, 200)).edges).toHaveLength(32);
    for (const token of [auditor, admin, reader]) expect((await list(token, {}, 200)).edges).toHaveLength(34);
    const anonymous = await api.gql(EVENTS, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const writerOnly = await api.gql(EVENTS, {}, { token: writer });
    expect(writerOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('verifies the log for auditors and admins only', async () => {
    for (const token of [auditor, admin]) {
      const result = await api.gql(VERIFY, {}, { token });
      expect(result.data?.verifyAuditLog).toMatchObject({ ok: true, checked: 34, fromSeq: '1', toSeq: '34' });
    }
    for (const token of [employee, reader, writer, undefined]) {
      const refused = await api.gql(VERIFY, {}, token ? { token } : {});
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('streams the same rows as CSV to auditors and admins, cells neutralised', async () => {
    const filter = { actor: '5', actionPrefix: 'message' };
    const expected = (await list(auditor, filter, 200)).edges.map((e: { node: Node }) => e.node.id);
    const query = new URLSearchParams(filter).toString();
    for (const token of [auditor, admin]) {
      const response = await api.fetch(`/audit/export.csv?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.id)).toEqual(expected);
      // `confirmed` is the API's: the portal did not confirm this report (message.edited has no read by id).
      expect(rows[0]!.metadata).toBe(`{"chat":"chat7","note":"=HYPERLINK(\\"x\\")","confirmed":false}`);
    }
    const all = await api.fetch('/audit/export.csv', { headers: { authorization: `Bearer ${auditor}` } });
    const text = await all.text();
    const everything = parse(text, { columns: true }) as Record<string, string>[];
    expect(everything).toHaveLength(34);
    // Sessions are named by their keyed reference: the key itself stays with its administrator.
    const keys = (await api.services.orm.em.fork().find(AuditEvent, { sessionKey: { $ne: null } })).map(
      (e) => e.sessionKey!,
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(text).not.toContain(key);
    expect(everything.filter((r) => r.session_ref !== '').length).toBe(keys.length);
    for (const [token, status] of [
      [employee, 403],
      [reader, 403],
      [undefined, 401],
    ] as const) {
      const refused = await api.fetch(
        '/audit/export.csv',
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
      expect(refused.status).toBe(status);
    }
    const bad = await api.fetch('/audit/export.csv?occurredFrom=yesterday', {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(bad.status).toBe(400);
  });

  it('neutralises a formula in a cell', async () => {
    await api.gql(RECORD, { events: [event(40, { targetId: '=cmd|x' })] }, { token: employee });
    const response = await api.fetch('/audit/export.csv?targetId=%3Dcmd%7Cx', {
      headers: { authorization: `Bearer ${auditor}` },
    });
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.target_id).toBe(`'=cmd|x`);
  });
});
