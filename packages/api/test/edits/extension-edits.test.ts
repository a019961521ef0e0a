import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { MAX_TEXT_BYTES } from '../../src/modules/edits/extension-edits.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/** Edits seen in pages, reported through `recordEvents` as the extension does. */

const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) {
    __typename
    ... on RecordEventsResult { stored duplicates }
    ... on InvalidInputError { field message }
  }
}`;

const HISTORY = `query ($t: ContentEntityType!, $id: String!) {
  editHistory(entityType: $t, entityId: $id) {
    __typename
    ... on EditHistory { versions { version { version text editor source deleted sessionRef editedAt } diff { kind text } } }
  }
}`;

const SUMMARIES = `query ($refs: [ContentRefInput!]!) {
  editSummaries(refs: $refs) { ... on EditSummaries { items { entityId versionCount editCount deleted } } }
}`;

const EVENTS = `query ($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 100) {
    ... on QueryAuditEventsConnection { edges { node { action actor targetType targetId sessionRef source metadata } } }
  }
}`;

const SESSID = 'bitrix-sessid-of-the-page';
const sessionKey = createHash('sha256').update(SESSID).digest('hex');
/** What readers see instead of the key (modules/impersonation/session-keys.ts). */
const sessionRef = () => api.services.secret.mac('session-ref', sessionKey).slice(0, 32);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let api: TestApi;
let admin: string;
let employee: string;
let other: string;
let writer: string;

beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
  employee = await api.tokenFor(9);
  other = await api.tokenFor(10);
  writer = (
    await api.services.tokens.issueIntegratorToken(api.services.orm.em.fork(), ['audit:write'], 'relay', 1)
  ).token;
});
afterAll(async () => {
  await api?.close();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** One event as the extension's queue sends it. */
function seen(key: string, targetId: string, text: unknown, extra: Record<string, unknown> = {}) {
  return {
    idempotencyKey: key,
    action: 'post.edited',
    occurredAt: minutesAgo(10),
    sessionToken: SESSID,
    targetType: 'post',
    targetId,
    metadata: { text, editedMark: true },
    ...extra,
  };
}

const history = async (id: string, t = 'POST') =>
  (await api.gql(HISTORY, { t, id }, { token: admin })).data?.editHistory.versions;
const versionCount = () => api.services.orm.em.fork().count(ContentVersion, {});
const eventCount = async () =>
  Number(
    (
      await api.services.orm.em
        .fork()
        .getConnection()
        .execute<{ n: string }[]>('select count(*) as n from audit_event')
    )[0]!.n,
  );

describe('recordEvents with texts seen in pages', () => {
  it('stores each new text as a version with its diff, and the event with the text hash only', async () => {
    const batch = [
      seen('e-1', '7001', 'Lunch at noon', { occurredAt: minutesAgo(12) }),
      seen('e-2', '7001', 'Lunch at one', { occurredAt: minutesAgo(11) }),
    ];
    const result = await api.gql(RECORD, { events: batch }, { token: employee });
    expect(result.data?.recordEvents).toEqual({ __typename: 'RecordEventsResult', stored: 2, duplicates: 0 });
    const versions = await history('7001');
    expect(versions.map((v: any) => v.version)).toMatchObject([
      {
        version: 1,
        text: 'Lunch at noon',
        source: 'EXTENSION',
        editor: null,
        sessionRef: sessionRef(),
        deleted: false,
      },
      { version: 2, text: 'Lunch at one', source: 'EXTENSION', editor: null, sessionRef: sessionRef() },
    ]);
    expect(versions[1].version.editedAt).toBe(batch[1]!.occurredAt);
    expect(versions[1].diff).toEqual([
      { kind: 'UNCHANGED', text: 'Lunch at ' },
      { kind: 'REMOVED', text: 'noon' },
      { kind: 'ADDED', text: 'one' },
    ]);
    // One audit event per reported event (the version's own hook wrote none), without the text.
    const events = (
      await api.gql(EVENTS, { filter: { targetType: 'post', targetId: '7001' } }, { token: admin })
    ).data?.auditEvents.edges.map((e: any) => e.node);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        action: 'post.edited',
        actor: '9',
        source: 'EXTENSION',
        sessionRef: sessionRef(),
      });
      expect(event.metadata).not.toHaveProperty('text');
    }
    expect(
      events.map((e: any) => e.metadata).sort((a: any, b: any) => (a.textHash < b.textHash ? -1 : 1)),
    ).toEqual(
      [
        { editedMark: true, textHash: sha256('Lunch at noon') },
        { editedMark: true, textHash: sha256('Lunch at one') },
      ].sort((a, b) => (a.textHash < b.textHash ? -1 : 1)),
    );
  });

  it('stores a retried batch once, and the same text seen by someone else as no new version', async () => {
    const batch = [seen('r-1', '7002', 'first'), seen('r-2', '7002', 'second')];
    expect((await api.gql(RECORD, { events: batch }, { token: employee })).data?.recordEvents).toMatchObject({
      stored: 2,
    });
    const [versions, events] = [await versionCount(), await eventCount()];
    // A retry after the text changed again must not bring the old text back as a new version.
    await api.gql(RECORD, { events: [seen('r-3', '7002', 'third')] }, { token: employee });
    const again = await api.gql(RECORD, { events: batch }, { token: employee });
    expect(again.data?.recordEvents).toEqual({ __typename: 'RecordEventsResult', stored: 0, duplicates: 2 });
    expect(await versionCount()).toBe(versions + 1);
    expect(await eventCount()).toBe(events + 1);
    // Another employee's extension sees the latest text: their report is logged, no version is added.
    const theirs = await api.gql(RECORD, { events: [seen('r-1', '7002', 'third')] }, { token: other });
    expect(theirs.data?.recordEvents).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await history('7002')).map((v: any) => v.version.text)).toEqual(['first', 'second', 'third']);
  });

  it('stores a deletion and keeps edits reported without a text as plain events', async () => {
    await api.gql(
      RECORD,
      {
        events: [
          seen('d-1', '7003', 'to be removed', { action: 'message.edited', targetType: 'message' }),
          { ...seen('d-2', '7003', null), action: 'message.deleted', targetType: 'message', metadata: {} },
          { ...seen('d-3', '7004', null), metadata: { editedMark: true } },
        ],
      },
      { token: employee },
    );
    expect((await history('7003', 'MESSAGE')).map((v: any) => v.version)).toMatchObject([
      { version: 1, text: 'to be removed', deleted: false },
      { version: 2, text: '', deleted: true },
    ]);
    expect(await history('7004')).toEqual([]);
  });

  it('runs alongside the portal-event path on the same item without deadlock or gaps', async () => {
    // The extension path locks the item before the audit chain, as recordVersion + its hook do.
    const reports = Array.from({ length: 6 }, (_, i) =>
      api.gql(RECORD, { events: [seen(`c-${i}`, '7005', `extension text ${i}`)] }, { token: employee }),
    );
    const pushed = Array.from({ length: 6 }, (_, i) =>
      api.services.edits.recordVersion(api.services.orm.em.fork(), {
        entityType: 'POST',
        entityId: '7005',
        text: `portal text ${i}`,
        editedAt: new Date(),
        editor: 3,
        source: 'portal-event',
      }),
    );
    const results = await Promise.all(reports);
    await Promise.all(pushed);
    for (const r of results) expect(r.data?.recordEvents).toMatchObject({ stored: 1 });
    const versions = (await history('7005')).map((v: any) => v.version.version);
    expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('counts the versions from the extension in editSummaries', async () => {
    const refs = ['7001', '7002', '7004'].map((entityId) => ({ entityType: 'POST', entityId }));
    const items = (await api.gql(SUMMARIES, { refs }, { token: admin })).data?.editSummaries.items;
    expect(items).toEqual([
      { entityId: '7001', versionCount: 2, editCount: 1, deleted: false },
      { entityId: '7002', versionCount: 3, editCount: 2, deleted: false },
      { entityId: '7004', versionCount: 0, editCount: 0, deleted: false },
    ]);
  });

  it('refuses a bad text with a clear error and stores nothing of the batch', async () => {
    const cases: [unknown, string, Record<string, unknown>?][] = [
      ['x'.repeat(MAX_TEXT_BYTES + 1), 'events.1.metadata.text'],
      ['ü'.repeat(MAX_TEXT_BYTES / 2 + 1), 'events.1.metadata.text'], // bytes, not characters
      [42, 'events.1.metadata.text'],
      [{ html: '<b>' }, 'events.1.metadata.text'],
      ['a\u0000b', 'events.1.metadata.text'],
      ['fine', 'events.1.targetType', { targetType: 'user' }],
      ['fine', 'events.1.targetId', { targetId: 'abc' }],
      ['fine', 'events.1.occurredAt', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ];
    const [versions, events] = [await versionCount(), await eventCount()];
    for (const [text, field, extra] of cases) {
      const batch = [seen(`bad-0-${field}`, '7010', 'valid'), seen(`bad-1-${field}`, '7011', text, extra)];
      const result = await api.gql(RECORD, { events: batch }, { token: employee });
      expect(result.data?.recordEvents, field).toMatchObject({ __typename: 'InvalidInputError', field });
    }
    const deletionWithText = { ...seen('bad-del', '7010', 'x'), action: 'post.deleted' };
    expect(
      (await api.gql(RECORD, { events: [deletionWithText] }, { token: employee })).data?.recordEvents,
    ).toMatchObject({ __typename: 'InvalidInputError', field: 'events.0.metadata.text' });
    expect(await versionCount()).toBe(versions);
    expect(await eventCount()).toBe(events);
    // The largest text allowed is stored.
    const largest = await api.gql(
      RECORD,
      { events: [seen('big', '7012', 'y'.repeat(MAX_TEXT_BYTES))] },
      { token: employee },
    );
    expect(largest.data?.recordEvents).toMatchObject({ stored: 1 });
  });
});

describe('who may report what', () => {
  it('lets users report content edits only; integrators with audit:write anything', async () => {
    const forged = { ...seen('f-1', '7020', null), action: 'settings.updated', metadata: {} };
    const before = await eventCount();
    for (const token of [employee, admin]) {
      const refused = await api.gql(RECORD, { events: [seen('f-0', '7020', 'ok'), forged] }, { token });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await eventCount()).toBe(before);
    for (const action of ['comment.edited', 'message.deleted', 'post.deleted']) {
      const type = action.split('.')[0];
      const ok = await api.gql(
        RECORD,
        { events: [{ ...seen(`ok-${action}`, '7021', null), action, targetType: type, metadata: {} }] },
        { token: employee },
      );
      expect(ok.data?.recordEvents, action).toMatchObject({ stored: 1 });
    }
    const relayed = await api.gql(RECORD, { events: [forged] }, { token: writer });
    expect(relayed.data?.recordEvents).toMatchObject({ stored: 1 });
  });

  it('takes the editor from an integrator, who names the actor', async () => {
    await api.gql(
      RECORD,
      { events: [seen('i-1', '7030', 'relayed text', { actorId: 4, source: 'PORTAL_EVENT' })] },
      { token: writer },
    );
    expect((await history('7030')).map((v: any) => v.version)).toMatchObject([
      { text: 'relayed text', editor: 4, source: 'PORTAL_EVENT' },
    ]);
  });
});
